/** The {@code attentionzoo} command line: one class per command, {@link io.github.attentionzoo.cli.Main} to start. */
package io.github.attentionzoo.cli;

