/** What the attention decided: SE gates and SK branch weights per image and per class, with plots. */
package io.github.attentionzoo.explain;

