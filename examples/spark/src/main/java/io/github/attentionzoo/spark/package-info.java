/**
 * Classifies image files with the zoo's models on Apache Spark: {@link
 * io.github.attentionzoo.spark.ImageClassifier} turns a {@code binaryFile} data frame into one row
 * of classes per image, and registers the same model as a Spark SQL function.
 */
package io.github.attentionzoo.spark;
