package dev.mcdrop.experiment;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import dev.mcdrop.io.AtomicFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Line charts as PNG with XChart (axes, legend, title), rendered headless. One chart per file,
 * or several side by side in a grid ({@link #saveGrid}) for the per-subset panels.
 */
public final class Charts {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Charts() {}

    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
            new Color(0x9467bd), new Color(0xff7f0e), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f)};

    /** One curve; {@code error} (may be null) draws ± error bars; dashed for reference lines. */
    public record Series(String name, double[] x, double[] y, double[] error, boolean dashed, int group) {
        public Series(String name, double[] x, double[] y, double[] error, boolean dashed) {
            this(name, x, y, error, dashed, -1);
        }

        public Series {
            if (x.length != y.length || (error != null && error.length != y.length)) {
                throw new IllegalArgumentException("series '" + name + "': lengths differ");
            }
        }

        public static Series line(String name, double[] x, double[] y) { return new Series(name, x, y, null, false); }

        public static Series dashed(String name, double[] x, double[] y) { return new Series(name, x, y, null, true); }

        /** The same series drawn in the colour of {@code group} (series of one model share a colour). */
        public Series inGroup(int g) { return new Series(name, x, y, error, dashed, g); }
    }

    /** What a chart shows. */
    public record Spec(String title, String xTitle, String yTitle, List<Series> series, boolean logX, boolean unitSquare) {
        public Spec(String title, String xTitle, String yTitle, List<Series> series) {
            this(title, xTitle, yTitle, series, false, false);
        }

        public Spec(String title, String xTitle, String yTitle, List<Series> series, boolean logX) {
            this(title, xTitle, yTitle, series, logX, false);
        }

        /** Both axes fixed to [0, 1] (ROC curves, reliability diagrams). */
        public Spec inUnitSquare() { return new Spec(title, xTitle, yTitle, series, logX, true); }
    }

    public static XYChart chart(Spec spec, int width, int height) {
        XYChart chart = new XYChartBuilder().width(width).height(height).title(spec.title())
                .xAxisTitle(spec.xTitle()).yAxisTitle(spec.yTitle()).build();
        Styler s = chart.getStyler();
        s.setLegendPosition(Styler.LegendPosition.OutsideS);
        s.setLegendLayout(Styler.LegendLayout.Vertical);
        chart.getStyler().setYAxisDecimalPattern("0.###");
        if (!spec.logX()) chart.getStyler().setXAxisDecimalPattern("0.###");
        if (spec.unitSquare()) {
            chart.getStyler().setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0).setYAxisMax(1.0);
            // XChart puts a tick on every data value when all values are equally spaced (ROC rates are
            // k/N): one invisible point off that grid gives ordinary round ticks.
            XYSeries offGrid = chart.addSeries(" ", new double[]{1 / Math.PI}, new double[]{1 / Math.PI});
            offGrid.setMarker(SeriesMarkers.NONE);
            offGrid.setShowInLegend(false);
        }
        s.setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setXAxisLogarithmic(spec.logX());
        chart.getStyler().setMarkerSize(5);
        for (Series series : spec.series()) {
            if (series.x().length == 0) continue;
            XYSeries xy = series.error() == null
                    ? chart.addSeries(series.name(), series.x(), series.y())
                    : chart.addSeries(series.name(), series.x(), series.y(), series.error());
            if (series.group() >= 0) {
                Color c = PALETTE[series.group() % PALETTE.length];
                xy.setLineColor(c);
                xy.setMarkerColor(c);
            }
            if (series.dashed()) {
                xy.setLineStyle(SeriesLines.DASH_DASH);
                xy.setMarker(SeriesMarkers.NONE);
            } else if (series.x().length > 30) {
                xy.setMarker(SeriesMarkers.NONE);
            }
        }
        return chart;
    }

    public static void save(Spec spec, Path png) throws IOException {
        write(BitmapEncoder.getBufferedImage(chart(spec, 1000, 700)), png);
    }

    /** Several charts in a grid of {@code columns} columns, one PNG. */
    public static void saveGrid(List<Spec> specs, int columns, Path png) throws IOException {
        int w = 750, h = 560, rows = (specs.size() + columns - 1) / columns;
        BufferedImage grid = new BufferedImage(w * columns, h * rows, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = grid.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, grid.getWidth(), grid.getHeight());
        for (int i = 0; i < specs.size(); i++) {
            g.drawImage(BitmapEncoder.getBufferedImage(chart(specs.get(i), w, h)), (i % columns) * w, (i / columns) * h, null);
        }
        g.dispose();
        write(grid, png);
    }

    /** Any image as PNG (through {@link AtomicFile}: a temporary file, then renamed into place). */
    public static void writeImage(BufferedImage image, Path png) throws IOException { write(image, png); }

    private static void write(BufferedImage image, Path png) throws IOException {
        Files.createDirectories(png.toAbsolutePath().getParent());
        AtomicFile.write(png, out -> {
            if (!ImageIO.write(image, "png", out)) throw new IOException("no PNG writer");
        });
    }
}
