package io.github.attentionzoo.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lists the image files under an input on the driver, with no name filter but the one for hidden
 * names: Spark's own file sources skip every path whose name starts with {@code _} (and break on
 * names with a colon), so the listing is made here and the bytes are read on the executors.
 * Local paths are walked through links, with each link loop skipped; a remote file system is
 * listed through Hadoop's API. The path helpers are public for the {@code classify} command.
 */
public final class ImageFiles {

    /** A scheme and an optional authority before an absolute path, as a Hadoop path prints itself. */
    private static final Pattern SCHEMED = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*):(?://([^/]*))?(/.*)");

    private ImageFiles() {}

    /**
     * One listed file.
     *
     * @param path the file's Hadoop path as text, the {@code path} column's value
     * @param length its size in bytes
     * @param modificationTime when it last changed, in milliseconds since the epoch
     */
    public record Listed(String path, long length, long modificationTime) {}

    /**
     * Lists the image files of an input: a file, a directory (recursively) or a glob.
     *
     * @param input the location
     * @param conf Hadoop settings that reach a remote file system
     * @return the files, sorted by path
     * @throws IOException when the file system cannot be listed
     */
    public static List<Listed> list(String input, Configuration conf) throws IOException {
        List<Listed> files = new ArrayList<>();
        if (isLocal(input)) {
            listLocal(localPath(input), files);
        } else {
            listRemote(input, conf, files);
        }
        files.sort(Comparator.comparing(Listed::path));
        return files;
    }

    /**
     * Whether a location is on the local file system.
     *
     * @param location a path or URI
     * @return true for a plain path or a {@code file:} URI
     */
    public static boolean isLocal(String location) {
        Matcher m = SCHEMED.matcher(location);
        return !m.matches() || m.group(1).equalsIgnoreCase("file") || m.group(1).length() < 2;
    }

    /**
     * Returns the local path a plain path or a {@code file:} URI names.
     *
     * @param location the location
     * @return the absolute path
     */
    public static Path localPath(String location) {
        Matcher m = SCHEMED.matcher(location);
        if (m.matches() && m.group(1).equalsIgnoreCase("file")) {
            return Path.of(m.group(3)).toAbsolutePath().normalize();
        }
        return Path.of(location).toAbsolutePath().normalize();
    }

    /**
     * Turns a {@code path} value back into a Hadoop path, whatever characters its name holds:
     * Hadoop's own parser takes a colon in a file name for a scheme.
     *
     * @param path a Hadoop path as text, a URI, or a plain local path
     * @return the path
     */
    public static org.apache.hadoop.fs.Path hadoopPath(String path) {
        Matcher m = SCHEMED.matcher(path);
        try {
            if (m.matches() && m.group(1).length() >= 2) {
                return new org.apache.hadoop.fs.Path(new URI(m.group(1), m.group(2), m.group(3), null, null));
            }
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(path + ": not a valid path (" + e.getReason() + ")", e);
        }
        return new org.apache.hadoop.fs.Path(Path.of(path).toAbsolutePath().toUri());
    }

    /**
     * Whether a file name is one of the image kinds read: PNG, JPEG, BMP or GIF, in any letter case.
     *
     * @param name a file name
     * @return true for an image file's name
     */
    public static boolean isImageName(String name) {
        return io.github.attentionzoo.io.ImageDecoder.isImageName(name);
    }

    /** Hidden names (a leading dot) stay hidden, as in most file managers; the docs say so. */
    private static boolean hidden(String name) {
        return name.startsWith(".");
    }

    private static boolean isGlob(String location) {
        return location.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
    }

    private static void listLocal(Path input, List<Listed> files) throws IOException {
        String text = input.toString();
        if (!isGlob(text)) {
            walk(input, files);
            return;
        }
        // The glob's fixed leading directories are walked as deep as the pattern reaches.
        Path base = input.getRoot();
        int depth = 0;
        boolean fixed = true;
        for (Path part : input) {
            if (fixed && !isGlob(part.toString())) {
                base = base.resolve(part);
            } else {
                fixed = false;
                depth++;
            }
        }
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + text);
        if (!Files.isDirectory(base)) {
            return;
        }
        List<Path> matches = new ArrayList<>();
        try (var paths = Files.walk(base, depth, FileVisitOption.FOLLOW_LINKS)) {
            paths.filter(matcher::matches).forEach(matches::add);
        }
        for (Path match : matches) {
            walk(match, files);
        }
    }

    /** Walks a file or directory through links; a link back to a directory above it is skipped, not followed. */
    private static void walk(Path start, List<Listed> files) throws IOException {
        Files.walkFileTree(start, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE,
                new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                        return !dir.equals(start) && hidden(dir.getFileName().toString())
                                ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                        String name = file.getFileName().toString();
                        if (attrs.isRegularFile() && isImageName(name) && (file.equals(start) || !hidden(name))) {
                            files.add(new Listed(new org.apache.hadoop.fs.Path(file.toUri()).toString(), attrs.size(),
                                    attrs.lastModifiedTime().toMillis()));
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                        if (e instanceof FileSystemLoopException) {
                            // A link to a directory it lies in would list the same files without end.
                            return FileVisitResult.CONTINUE;
                        }
                        throw e;
                    }
                });
    }

    private static void listRemote(String input, Configuration conf, List<Listed> files) throws IOException {
        org.apache.hadoop.fs.Path path = hadoopPath(input);
        FileSystem fs = path.getFileSystem(conf);
        FileStatus[] roots = isGlob(input) ? fs.globStatus(path) : new FileStatus[] {status(fs, path)};
        if (roots == null) {
            return;
        }
        for (FileStatus root : roots) {
            if (root.isFile()) {
                add(root, files);
                continue;
            }
            RemoteIterator<LocatedFileStatus> it = fs.listFiles(root.getPath(), true);
            while (it.hasNext()) {
                LocatedFileStatus file = it.next();
                String relative = file.getPath().toUri().getPath().substring(root.getPath().toUri().getPath().length());
                if (file.isFile() && isImageName(file.getPath().getName())
                        && java.util.Arrays.stream(relative.split("/")).noneMatch(ImageFiles::hidden)) {
                    add(file, files);
                }
            }
        }
    }

    /** The schema of {@link #frame}: the columns of Spark's {@code binaryFile} source but the content. */
    public static final StructType LISTED = new StructType()
            .add("path", DataTypes.StringType, true)
            .add("modificationTime", DataTypes.TimestampType, true)
            .add("length", DataTypes.LongType, true);

    /**
     * Makes a data frame of listed files, packed into partitions as Spark packs files into tasks:
     * each file counts its size plus {@code spark.sql.files.openCostInBytes}, and a partition holds
     * up to {@code spark.sql.files.maxPartitionBytes}, less when that spreads the files over every core.
     *
     * @param spark the session
     * @param files the files
     * @return rows of {@link #LISTED}
     */
    public static Dataset<Row> frame(SparkSession spark, List<Listed> files) {
        SQLConf conf = spark.sessionState().conf();
        long openCost = conf.filesOpenCostInBytes();
        long total = files.stream().mapToLong(f -> f.length() + openCost).sum();
        int cores = Math.max(1, spark.sparkContext().defaultParallelism());
        long split = Math.min(conf.filesMaxPartitionBytes(), Math.max(openCost, total / cores));
        List<List<Row>> partitions = new ArrayList<>();
        List<Row> current = new ArrayList<>();
        long size = 0;
        for (Listed f : files) {
            long cost = f.length() + openCost;
            if (!current.isEmpty() && size + cost > split) {
                partitions.add(current);
                current = new ArrayList<>();
                size = 0;
            }
            current.add(RowFactory.create(f.path(), new java.sql.Timestamp(f.modificationTime()), f.length()));
            size += cost;
        }
        if (!current.isEmpty()) {
            partitions.add(current);
        }
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        // One list per slice: parallelize cuts a list of N elements into N slices of one each.
        JavaRDD<Row> rows = context.parallelize(partitions, Math.max(1, partitions.size()))
                .flatMap(List::iterator);
        return spark.createDataFrame(rows, LISTED);
    }

    /**
     * Adds each listed file's bytes, read on the executors, as a {@code content} column.
     *
     * @param listed rows of {@link #LISTED}
     * @param conf the driver's Hadoop settings
     * @return rows of {@code path, modificationTime, length, content}
     */
    static Dataset<Row> withContent(Dataset<Row> listed, Broadcast<HadoopConf> conf) {
        StructType schema = LISTED.add("content", DataTypes.BinaryType, true);
        MapFunction<Row, Row> read = row -> {
            byte[] bytes;
            try {
                bytes = FileBytes.read(row.getString(0), conf.value());
            } catch (IOException e) {
                // Too large to hold: no bytes, which the classifier reports as an empty file.
                bytes = null;
            }
            return RowFactory.create(row.get(0), row.get(1), row.get(2), bytes);
        };
        return listed.map(read, Encoders.row(schema));
    }

    private static FileStatus status(FileSystem fs, org.apache.hadoop.fs.Path path) throws IOException {
        try {
            return fs.getFileStatus(path);
        } catch (FileNotFoundException e) {
            throw new java.nio.file.NoSuchFileException(path.toString());
        }
    }

    private static void add(FileStatus file, List<Listed> files) {
        files.add(new Listed(file.getPath().toString(), file.getLen(), file.getModificationTime()));
    }
}
