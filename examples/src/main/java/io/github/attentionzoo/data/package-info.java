/** CIFAR-10 in its official binary format, image folders, and the training augmentation. */
package io.github.attentionzoo.data;

