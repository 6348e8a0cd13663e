/**
 * What the command-line application and the trainer share and a library user never needs: the
 * output guard and lock that keep a user's files safe, the native allocator settings, and the per-layer summary table.
 */
package io.github.attentionzoo.app;

