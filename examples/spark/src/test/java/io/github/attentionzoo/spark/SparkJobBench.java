package io.github.attentionzoo.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark's Spark side (examples/spark/bench.sh): the classify job, read, classified and
 * written as Parquet, as the command runs it, repeated inside one application so that executors,
 * their models and the JIT are warm after the first round, which is not counted.
 *
 * <p>{@code java ... SparkJobBench MASTER INPUT OUTPUT ROUNDS [BATCH] [KEY=VALUE...]}: prints
 * images/s per round, and the median. For a standalone master, pass {@code spark.jars=JOB_JAR}.
 */
public final class SparkJobBench {

    /** The sink: Parquet as the command writes, or {@code noop} to time everything but the writing. */
    private static final String FORMAT = System.getProperty("bench.format", "parquet");

    private SparkJobBench() {}

    /**
     * Runs the benchmark.
     *
     * @param args MASTER INPUT OUTPUT ROUNDS [BATCH] [KEY=VALUE...]
     * @throws java.io.IOException when the session cannot be closed
     */
    public static void main(String[] args) throws java.io.IOException {
        String master = args[0];
        String input = args[1];
        String output = args[2];
        int rounds = Integer.parseInt(args[3]);
        int batch = args.length > 4 ? Integer.parseInt(args[4]) : ImageClassifier.DEFAULT_BATCH_SIZE;
        SparkSession.Builder builder = SparkSession.builder().master(master).appName("attentionzoo bench")
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.ui.enabled", "false")
                .config("spark.executor.extraJavaOptions", "-Dai.djl.offline=true")
                .config("spark.executorEnv.OMP_WAIT_POLICY", "PASSIVE");
        for (int i = 5; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            builder.config(kv[0], kv[1]);
        }
        try (SparkSession spark = builder.getOrCreate()) {
            ImageClassifier classifier = ImageClassifier.builder().model(SparkTestSupport.MODEL).batchSize(batch).build();
            List<Double> rates = new ArrayList<>();
            for (int round = 0; round <= rounds; round++) {
                long start = System.nanoTime();
                Dataset<Row> images = ImageClassifier.readImages(spark, input);
                long n = images.inputFiles().length;
                classifier.classify(images).write().mode(SaveMode.Overwrite).format(FORMAT)
                        .save(Path.of(output).toUri().toString());
                double rate = n / ((System.nanoTime() - start) / 1e9);
                if (round > 0) {
                    rates.add(rate);
                }
                System.out.printf(Locale.ROOT, "%s round %d: %d images, %.0f images/s%n",
                        round == 0 ? "warm-up" : "timed", round, n, rate);
            }
            List<Double> sorted = rates.stream().sorted().toList();
            System.out.printf(Locale.ROOT, "spark %s, batch %d: median %.0f images/s%n", master, batch,
                    sorted.get(sorted.size() / 2));
        }
    }
}
