/** Throughput, latency and memory measurement of the zoo's models, in the paths users run. */
package io.github.attentionzoo.bench;

