package io.github.attentionzoo.spark.cli;

import org.apache.hadoop.fs.FileStatus;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.datasources.HadoopFsRelation;
import org.apache.spark.sql.execution.datasources.LogicalRelation;
import org.apache.spark.sql.execution.datasources.PartitioningAwareFileIndex;
import scala.jdk.javaapi.CollectionConverters;

import java.util.Arrays;
import java.util.List;

/**
 * The files Spark listed for the input, read from the listing it already made on the driver.
 * Spark's file scan plans no split for a file of zero bytes, so an empty image file would get no
 * row at all; the command writes an error row for each one instead, so that every listed file has
 * exactly one row.
 */
final class InputFiles {

    /** Every listed file's path as the {@code path} column spells it. */
    final List<String> paths;
    /** The paths of the listed files that hold no bytes. */
    final List<String> empty;

    private InputFiles(List<String> paths, List<String> empty) {
        this.paths = paths;
        this.empty = empty;
    }

    /**
     * Reads the listing behind a {@code binaryFile} data frame.
     *
     * @param images the data frame
     * @return its files; without empty ones when the listing is not of the kind Spark 4 makes
     */
    static InputFiles of(Dataset<Row> images) {
        // Spark's file index is internal API; should its shape change, every file still has a path, and only
        // the empty files' rows are missing.
        for (LogicalPlan leaf : CollectionConverters.asJava(images.queryExecution().analyzed().collectLeaves())) {
            if (leaf instanceof LogicalRelation relation && relation.relation() instanceof HadoopFsRelation fs
                    && fs.location() instanceof PartitioningAwareFileIndex index) {
                List<FileStatus> files = CollectionConverters.asJava(index.allFiles());
                return new InputFiles(files.stream().map(f -> f.getPath().toString()).toList(),
                        files.stream().filter(f -> f.getLen() == 0).map(f -> f.getPath().toString()).toList());
            }
        }
        return new InputFiles(Arrays.asList(images.inputFiles()), List.of());
    }
}
