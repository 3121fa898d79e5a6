package io.agentd.client.api;

/**
 * The cluster feature levels a member's build supports ({@code agentctl cluster upgrade --to N}
 * is refused unless every member's range holds N).
 *
 * @param min lowest supported level
 * @param max highest supported level
 */
public record FeatureLevelsView(int min, int max) {

  /** "1-2", or "1" when the range is one level. */
  @Override
  public String toString() {
    return min == max ? Integer.toString(min) : min + "-" + max;
  }
}
