package io.agentd.cli.output;

import io.agentd.client.api.ProviderView;
import java.util.List;
import java.util.stream.Collectors;

/** Providers with their fleet-wide limits; {@code wide} adds the shares, price and revisions. */
public final class ProviderTable {

  private ProviderTable() {}

  public static String render(List<ProviderView> providers, boolean wide) {
    Table table = wide
        ? new Table("NAME", "RPM", "TPM", "CONCURRENT", "GROUP", "PRIORITY", "SHARES", "USD/1K-TOKENS", "CREATED",
            "REVISION")
        : new Table("NAME", "RPM", "TPM", "CONCURRENT", "GROUP", "PRIORITY");
    for (ProviderView p : providers) {
      if (wide) {
        String shares = p.shares().isEmpty() ? null : p.shares().entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
        table.row(p.name(), p.requestsPerMinute(), p.tokensPerMinute(), p.maxConcurrent(), p.group(),
            p.group() == null ? null : p.priority(), shares,
            p.pricePer1kTokensUsd() == null ? null : p.pricePer1kTokensUsd().toPlainString(), p.createRevision(),
            p.revision());
      } else {
        table.row(p.name(), p.requestsPerMinute(), p.tokensPerMinute(), p.maxConcurrent(), p.group(),
            p.group() == null ? null : p.priority());
      }
    }
    return table.render();
  }

  /** Each worker's share: its grant, what its agents asked and what they used, a minute. */
  public static String renderShares(io.agentd.client.api.ProviderSharesView shares) {
    Table table = new Table("WORKER", "NAMESPACE", "GRANTED-RPM", "ASKED-RPM", "USED-RPM", "TPM", "CONCURRENT");
    for (io.agentd.client.api.ProviderSharesView.Share s : shares.workers()) {
      table.row(s.worker(), s.namespace(), rate(s.requestsPerMinute()), rate(s.askedRequestsPerMinute()),
          s.usedRequestsPerMinute() == null ? null : rate(s.usedRequestsPerMinute()),
          s.tokensPerMinute() == null ? null : rate(s.tokensPerMinute()), s.maxConcurrent());
    }
    String heading = "Grants (leader " + shares.leader() + (shares.learning()
        ? ", still learning what workers hold after becoming leader" : "") + "):\n";
    return heading + (shares.workers().isEmpty() ? "(no worker uses it now)\n" : table.render());
  }

  private static String rate(double perMinute) {
    return String.format(java.util.Locale.ROOT, "%.1f", perMinute);
  }
}
