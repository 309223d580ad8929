#pragma once
#include <QHash>
#include <QImage>
#include <QPixmap>
#include <QPolygonF>
#include <QStringList>
#include <QWidget>

#include <functional>
#include <optional>
#include <vector>

namespace studio::ui {

/// One image on the map.
struct MapPoint {
    QPointF at; ///< map coordinates, y up
    int label = 0, predicted = 0;
    double confidence = 0; ///< probability of the predicted class
    bool correct() const { return label == predicted; }
};

/// A scatter of images on a 2-D map of a model's features: coloured by true class, predicted
/// class, correctness or confidence, errors drawn on top; wheel zooms about the pointer, right or
/// middle drag pans, double-click fits all; when few enough points are in view they are drawn as
/// their images. Hover shows the image and its scores; a left drag draws a lasso, a click picks
/// the nearest point (Shift or Ctrl adds to the selection). A marker can show where another image
/// (the Draw page's drawing) falls.
class EmbeddingView : public QWidget {
    Q_OBJECT
public:
    enum class Colouring { TrueClass, Predicted, Correctness, Confidence };

    explicit EmbeddingView(QWidget* parent = nullptr);

    /// `thumbnail(i)`: point i's image (28×28 grayscale). Clears the selection and fits the view.
    void setPoints(std::vector<MapPoint> points, const QStringList& classNames, std::function<QImage(int)> thumbnail);
    /// No map: `message` in its place.
    void clear(const QString& message);
    void setColouring(Colouring colouring);
    /// Marks `at` (map coordinates) with `label`; nullopt removes the marker.
    void setMarker(std::optional<QPointF> at, const QString& label = {});
    std::optional<QPointF> marker() const { return m_marker; }

    /// Selects the points inside `polygon` (map coordinates), as a lasso does.
    void selectInside(const QPolygonF& polygon, bool add = false);
    /// Selects the point nearest `pos` (widget coordinates) within a few pixels, as a click does;
    /// a click on empty space clears the selection.
    void selectAt(QPointF pos, bool add = false);
    void setSelection(std::vector<int> indices);
    const std::vector<int>& selection() const { return m_selection; }

    /// The point drawn nearest `pos` within 8 px (−1: none).
    int pointAt(QPointF pos) const;
    QPointF toWidget(QPointF mapPos) const;
    QPointF toMap(QPointF widgetPos) const;
    /// Zooms by `factor` keeping `about` (widget coordinates) in place.
    void zoom(double factor, QPointF about);
    void fitAll();
    /// Shows the hover readout for the point under `pos` (for tests and screenshots).
    void hoverAt(QPointF pos);
    int hovered() const { return m_hovered; }
    QString hoverText() const { return m_hoverText; }
    /// Whether the points in view are drawn as their images (zoomed in far enough).
    bool showsImages() const;

    QSize sizeHint() const override { return {640, 520}; }
    QSize minimumSizeHint() const override { return {240, 200}; }

Q_SIGNALS:
    void selectionChanged(const std::vector<int>& indices);

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;

private:
    QColor colourOf(const MapPoint& p) const;
    void paintPoints(QPainter& painter) const;
    void paintLegend(QPainter& painter) const;
    void paintHover(QPainter& painter) const;
    void changed(); ///< the points' picture must be redrawn
    QImage imageOf(int i) const;

    std::vector<MapPoint> m_points;
    QStringList m_classNames;
    std::function<QImage(int)> m_thumbnail;
    mutable QHash<int, QImage> m_images;
    QString m_message;
    Colouring m_colouring = Colouring::TrueClass;
    QPointF m_centre;     ///< the map point at the widget's centre
    double m_scale = 1;   ///< pixels per map unit
    bool m_fitted = true; ///< the view shows all points (not zoomed or panned since)
    std::vector<int> m_selection;
    std::vector<char> m_selected; ///< per point
    std::optional<QPointF> m_marker;
    QString m_markerLabel;
    int m_hovered = -1;
    QString m_hoverText;
    QPolygonF m_lasso; ///< widget coordinates while dragging
    QPointF m_panFrom;
    bool m_panning = false;
    mutable QPixmap m_picture; ///< the points as last drawn (null: redraw)
};

} // namespace studio::ui
