package io.agentd.jepsen.report;

import io.agentd.jepsen.harness.Timeline;
import io.agentd.jepsen.workload.Latencies;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogarithmicAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Ellipse2D;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Latency of every op over the run (log scale), by outcome, with the fault windows shaded. */
public final class LatencyPlot {
    private LatencyPlot() {
    }

    public static void write(Path png, String title, List<Latencies.Sample> samples, List<Timeline.Window> faults,
                             long endMs) throws IOException {
        Map<String, XYSeries> series = new LinkedHashMap<>();
        for (Latencies.Sample s : samples) {
            String key = s.f() + " " + s.kind();
            series.computeIfAbsent(key, k -> new XYSeries(k, false, true))
                    .add(s.startMs() / 1000.0, Math.max(0.1, s.latencyMs()));
        }
        XYSeriesCollection data = new XYSeriesCollection();
        series.values().forEach(data::addSeries);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(false, true);
        Color[] palette = {new Color(0x1f77b4), new Color(0x2ca02c), new Color(0xd62728), new Color(0xff7f0e),
                new Color(0x9467bd), new Color(0x8c564b), new Color(0x17becf), new Color(0x7f7f7f)};
        for (int i = 0; i < data.getSeriesCount(); i++) {
            renderer.setSeriesShape(i, new Ellipse2D.Double(-1.5, -1.5, 3, 3));
            renderer.setSeriesPaint(i, palette[i % palette.length]);
        }
        NumberAxis x = new NumberAxis("seconds since start");
        LogarithmicAxis y = new LogarithmicAxis("latency (ms)");
        y.setAllowNegativesFlag(false);
        XYPlot plot = new XYPlot(data, x, y, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        for (Timeline.Window w : faults) {
            long end = w.endMs() < 0 ? endMs : w.endMs();
            IntervalMarker m = new IntervalMarker(w.startMs() / 1000.0, end / 1000.0,
                    new Color(255, 160, 160, 70), new BasicStroke(1f), null, null, 1f);
            m.setLabel(w.fault());
            m.setLabelAnchor(RectangleAnchor.TOP_LEFT);
            m.setLabelTextAnchor(TextAnchor.TOP_LEFT);
            plot.addDomainMarker(m, Layer.BACKGROUND);
        }
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 1200, 600);
    }
}
