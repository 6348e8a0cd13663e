/**
 * Network architectures built from the attention layers: the seed SimpleCNN, CIFAR ResNets
 * (plain, SE, SK) and ImageNet SE-ResNets, one builder per family.
 */
package io.github.attentionzoo.zoo.arch;

