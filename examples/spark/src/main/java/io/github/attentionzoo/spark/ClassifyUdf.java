package io.github.attentionzoo.spark;

import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.repository.zoo.ZooModel;
import org.apache.spark.TaskContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.util.TaskCompletionListener;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The SQL function: one image's bytes in, {@code struct<class, probability, top5, error>} out.
 * Spark calls it row by row, so it predicts one image at a time; the first call of each task makes
 * the task's predictor, which is closed when the task ends.
 */
final class ClassifyUdf implements UDF1<byte[], Row> {

    private static final long serialVersionUID = 1L;

    /** The open predictors, one per running task and model. */
    private static final Map<TaskKey, Predictor<Image, Classifications>> PREDICTORS = new ConcurrentHashMap<>();

    private final ModelSource source;
    private final Broadcast<HadoopConf> conf;

    ClassifyUdf(ModelSource source, Broadcast<HadoopConf> conf) {
        this.source = source;
        this.conf = conf;
    }

    private record TaskKey(long taskAttemptId, ModelSource source) {}

    @Override
    public Row call(byte[] content) {
        ZooModel<Image, Classifications> model = ExecutorModels.get(source, conf == null ? null : conf.value());
        Image image;
        try {
            image = ImageBytes.decode(content, ClassifyPartition.maxSide(model));
        } catch (IOException e) {
            return Results.error(e.getMessage());
        }
        TaskContext task = TaskContext.get();
        try {
            if (task == null) {
                // Outside a task (Spark folding a literal on the driver, say) there is no task end to close at.
                try (Predictor<Image, Classifications> predictor = model.newPredictor()) {
                    return Results.result(predictor.predict(image));
                }
            }
            return Results.result(predictor(task, model).predict(image));
        } catch (Exception e) {
            return Results.error("classification failed: " + ExecutorModels.firstLine(e));
        }
    }

    private Predictor<Image, Classifications> predictor(TaskContext task, ZooModel<Image, Classifications> model) {
        TaskKey key = new TaskKey(task.taskAttemptId(), source);
        return PREDICTORS.computeIfAbsent(key, k -> {
            task.addTaskCompletionListener((TaskCompletionListener) context -> {
                Predictor<Image, Classifications> predictor = PREDICTORS.remove(k);
                if (predictor != null) {
                    predictor.close();
                }
            });
            return model.newPredictor();
        });
    }
}
