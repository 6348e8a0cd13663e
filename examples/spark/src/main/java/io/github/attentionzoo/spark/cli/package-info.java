/**
 * The {@code attentionzoo-spark} command line: {@code classify} runs {@link
 * io.github.attentionzoo.spark.ImageClassifier} over image files on Spark's embedded local mode, a
 * standalone cluster, or under {@code spark-submit}.
 */
package io.github.attentionzoo.spark.cli;
