package io.github.attentionzoo.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The named recipes are the ones the shipped weights were trained with. */
class RecipeTest {

    @Test
    void deepNetsDefaultToCutoutAndShallowOnesDoNot() {
        assertEquals(16, Recipe.forModel("se_resnet56").cutout());
        assertEquals(160, Recipe.forModel("se_resnet56").epochs());
        assertEquals(0, Recipe.forModel("se_resnet20").cutout());
        assertEquals(120, Recipe.forModel("sk_resnet20").epochs());
        assertEquals(0.1f, Recipe.forModel("resnet20").lr());
    }
}
