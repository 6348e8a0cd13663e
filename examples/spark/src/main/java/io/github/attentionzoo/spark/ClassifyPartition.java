package io.github.attentionzoo.spark;

import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.repository.zoo.ZooModel;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.TaskCompletionListener;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Classifies one partition of rows in batches, each row's image given by its bytes or its file's path, with a predictor of its
 * own made from the executor's shared model. An image that cannot be decoded or classified becomes
 * a row with an error; only a failure to load the model fails the task.
 */
final class ClassifyPartition implements MapPartitionsFunction<Row, Row> {

    private static final long serialVersionUID = 1L;

    private final ModelSource source;
    private final Broadcast<HadoopConf> conf;
    private final int batchSize;
    private final LongAccumulator errors;
    private final int input;
    private final boolean isPath;

    /**
     * Describes the work of one partition.
     *
     * @param input the index of the column holding each image: its bytes, or the path of its file
     * @param isPath whether that column holds paths, whose files are read here, on the executor
     */
    ClassifyPartition(ModelSource source, Broadcast<HadoopConf> conf, int batchSize, LongAccumulator errors, int input,
            boolean isPath) {
        this.source = source;
        this.conf = conf;
        this.batchSize = batchSize;
        this.errors = errors;
        this.input = input;
        this.isPath = isPath;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        if (!rows.hasNext()) {
            // An empty partition needs no model: a small input on many cores loads none in vain.
            return rows;
        }
        ZooModel<Image, Classifications> model = ExecutorModels.get(source, conf == null ? null : conf.value());
        Predictor<Image, Classifications> predictor = model.newPredictor();
        TaskContext task = TaskContext.get();
        if (task != null) {
            // Rows are pulled lazily by the writer after call() returns: close when the task ends, however it ends.
            task.addTaskCompletionListener((TaskCompletionListener) context -> predictor.close());
        }
        return new Batches(rows, predictor, maxSide(model), task == null);
    }

    /** The shortest side worth decoding: the translator shrinks every image to the model's input anyway. */
    static int maxSide(ZooModel<Image, Classifications> model) {
        String size = model.getProperty("attentionzoo.input_size");
        return io.github.attentionzoo.io.ImageDecoder.decodeSide(size == null ? 32 : Integer.parseInt(size));
    }

    /** Pulls {@code batchSize} rows at a time, classifies them together, and hands the results out in order. */
    private final class Batches implements Iterator<Row> {

        private final Iterator<Row> rows;
        private final Predictor<Image, Classifications> predictor;
        private final int maxSide;
        private final boolean closeAtEnd;
        private final ArrayDeque<Row> ready = new ArrayDeque<>();
        private boolean closed;

        Batches(Iterator<Row> rows, Predictor<Image, Classifications> predictor, int maxSide, boolean closeAtEnd) {
            this.rows = rows;
            this.predictor = predictor;
            this.maxSide = maxSide;
            this.closeAtEnd = closeAtEnd;
        }

        @Override
        public boolean hasNext() {
            if (ready.isEmpty() && rows.hasNext()) {
                classifyBatch();
            }
            if (ready.isEmpty() && closeAtEnd && !closed) {
                closed = true;
                predictor.close();
            }
            return !ready.isEmpty();
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return ready.poll();
        }

        private void classifyBatch() {
            Row[] batch = new Row[batchSize];
            String[] failures = new String[batchSize];
            List<Image> images = new ArrayList<>(batchSize);
            List<Integer> slots = new ArrayList<>(batchSize);
            int n = 0;
            while (n < batchSize && rows.hasNext()) {
                Row row = rows.next();
                batch[n] = row;
                try {
                    byte[] bytes = row.isNullAt(input) ? null
                            : isPath ? FileBytes.read(row.getString(input), conf == null ? null : conf.value())
                            : (byte[]) row.get(input);
                    images.add(ImageBytes.decode(bytes, maxSide));
                    slots.add(n);
                } catch (IOException e) {
                    failures[n] = e.getMessage();
                }
                n++;
            }
            Classifications[] results = new Classifications[n];
            if (!images.isEmpty()) {
                predict(images, slots, results, failures);
            }
            for (int i = 0; i < n; i++) {
                if (results[i] != null) {
                    ready.add(Results.append(batch[i], Results.values(results[i])));
                } else {
                    ready.add(Results.append(batch[i], Results.errorValues(failures[i])));
                    if (errors != null) {
                        errors.add(1);
                    }
                }
            }
        }

        private void predict(List<Image> images, List<Integer> slots, Classifications[] results, String[] failures) {
            try {
                List<Classifications> batch = predictor.batchPredict(images);
                for (int i = 0; i < batch.size(); i++) {
                    results[slots.get(i)] = batch.get(i);
                }
            } catch (Exception batchFailure) {
                // One image the engine rejects must not take the batch's other images with it: one at a time.
                for (int i = 0; i < images.size(); i++) {
                    try {
                        results[slots.get(i)] = predictor.predict(images.get(i));
                    } catch (Exception e) {
                        failures[slots.get(i)] = "classification failed: " + ExecutorModels.firstLine(e);
                    }
                }
            }
        }
    }
}
