package com.example;

import ai.djl.inference.Predictor;
import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import io.github.attentionzoo.nn.SqueezeExcitation;

import java.nio.file.Path;

public final class Classify {

    public static void main(String[] args) throws Exception {
        Criteria<Image, Classifications> criteria = Criteria.builder()
                .setTypes(Image.class, Classifications.class)
                .optModelUrls("djl://io.github.attentionzoo/se_resnet20")   // pretrained on CIFAR-10
                .build();                                                   // .optEngine("OnnxRuntime") to serve faster
        try (ZooModel<Image, Classifications> model = criteria.loadModel();
                Predictor<Image, Classifications> predictor = model.newPredictor()) {
            Image image = ImageFactory.getInstance().fromFile(Path.of(args[0]));
            System.out.println(predictor.predict(image).best());          // {"className": "cat", "probability": 0.99935}
        }

        // SE in your own network: channels in = channels out, gates learned per channel.
        Block block = new SequentialBlock()
                .add(Conv2d.builder().setFilters(64).setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).build())
                .add(SqueezeExcitation.builder().setChannels(64).optReduction(16).build());
        System.out.println("your block: " + block.getChildren().size() + " layers");
    }
}
