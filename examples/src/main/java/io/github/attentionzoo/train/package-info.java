/**
 * Training recipes: named hyper-parameters per model, learning-rate schedules, optimizers whose
 * state can be checkpointed, atomic checkpoints, and the training loop behind {@code train} and
 * {@code finetune}.
 */
package io.github.attentionzoo.train;

