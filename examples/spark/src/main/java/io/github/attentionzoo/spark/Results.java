package io.github.attentionzoo.spark;

import ai.djl.modality.Classifications;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.List;

/** The rows and schemas of classification results. */
final class Results {

    /** One of the top classes: {@code struct<class, probability>}. */
    static final StructType TOP_CLASS = new StructType()
            .add("class", DataTypes.StringType, false)
            .add("probability", DataTypes.DoubleType, false);

    /** What the SQL function returns for one image. */
    static final StructType RESULT = new StructType()
            .add("class", DataTypes.StringType, true)
            .add("probability", DataTypes.DoubleType, true)
            .add("top5", DataTypes.createArrayType(TOP_CLASS, false), true)
            .add("error", DataTypes.StringType, true);

    /** What {@link ImageClassifier#classify} returns: the file's path, then the result's fields. */
    static final StructType CLASSIFIED = new StructType()
            .add("path", DataTypes.StringType, true)
            .add("class", DataTypes.StringType, true)
            .add("probability", DataTypes.DoubleType, true)
            .add("top5", DataTypes.createArrayType(TOP_CLASS, false), true)
            .add("error", DataTypes.StringType, true);

    private Results() {}

    /** The top classes as an array of rows, the external form Spark's encoders take for an array of structs. */
    private static Row[] top(Classifications result) {
        List<Classifications.Classification> top = result.topK(ExecutorModels.TOP_K);
        Row[] rows = new Row[top.size()];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = RowFactory.create(top.get(i).getClassName(), top.get(i).getProbability());
        }
        return rows;
    }

    /** The result columns' values for a classified image: class, probability, top5, error. */
    static Object[] values(Classifications result) {
        Classifications.Classification best = result.best();
        return new Object[] {best.getClassName(), best.getProbability(), top(result), null};
    }

    /** The result columns' values for an image that was not classified. */
    static Object[] errorValues(String error) {
        return new Object[] {null, null, null, error};
    }

    /** An input row with the result columns after its own. */
    static Row append(Row row, Object[] result) {
        Object[] all = new Object[row.length() + result.length];
        for (int i = 0; i < row.length(); i++) {
            all[i] = row.get(i);
        }
        System.arraycopy(result, 0, all, row.length(), result.length);
        return RowFactory.create(all);
    }

    static Row result(Classifications result) {
        return RowFactory.create(values(result));
    }

    static Row error(String error) {
        return RowFactory.create(errorValues(error));
    }
}
