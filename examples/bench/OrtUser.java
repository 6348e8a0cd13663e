import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;

import java.nio.file.Path;

/**
 * A library user's program on ONNX Runtime, for memory.sh: loads a shipped model by name with
 * Criteria, as the README shows, and classifies one image N times.
 *
 *   java -cp CLASSES:ZOO_AND_ENGINE_JARS OrtUser se_resnet20 IMAGE N
 */
public final class OrtUser {
    public static void main(String[] args) throws Exception {
        Criteria<Image, Classifications> criteria = Criteria.builder().setTypes(Image.class, Classifications.class)
                .optModelUrls("djl://io.github.attentionzoo/" + args[0]).optEngine("OnnxRuntime").build();
        Image image = ImageFactory.getInstance().fromFile(Path.of(args[1]));
        try (ZooModel<Image, Classifications> model = criteria.loadModel();
                Predictor<Image, Classifications> predictor = model.newPredictor()) {
            Classifications last = null;
            for (int i = 0; i < Integer.parseInt(args[2]); i++) {
                last = predictor.predict(image);
            }
            System.out.println(last.best().getClassName());
        }
    }
}
