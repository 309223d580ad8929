#pragma once
#include "evaluation/ImageScores.h"

#include <QAbstractListModel>
#include <QHash>
#include <QPixmap>

#include <optional>
#include <vector>

namespace studio::ui {

struct Analysis;

/// The images of an analysis as a list model for a virtualised thumbnail view: filtered by true
/// class, predicted class and confidence range (errors only by default) or to a chosen set, sorted by confidence,
/// loss or index. Thumbnails are made on demand and cached.
class GalleryModel : public QAbstractListModel {
    Q_OBJECT
public:
    enum Role { ScoreIndexRole = Qt::UserRole + 1, TrueRole, PredictedRole, ConfidenceRole };

    struct Filter {
        int trueClass = -1; ///< −1: any
        int predicted = -1;
        bool errorsOnly = true;
        double minConfidence = 0, maxConfidence = 1;
        /// When set: exactly these images (a selection on the embedding map); the rest is ignored.
        std::optional<std::vector<int>> only;
    };

    explicit GalleryModel(QObject* parent = nullptr);

    void setAnalysis(const Analysis* analysis);
    void setFilter(const Filter& filter);
    Filter filter() const { return m_filter; }
    void setOrder(ImageOrder order);
    /// The score shown at `row`.
    const ImageScore& scoreAt(int row) const { return m_rows[std::size_t(row)]; }
    double highConfidence() const { return 0.9; }

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;

private:
    void rebuild();

    const Analysis* m_analysis = nullptr;
    Filter m_filter;
    ImageOrder m_order = ImageOrder::Confidence;
    std::vector<ImageScore> m_rows;
    mutable QHash<qint64, QPixmap> m_thumbnails;
};

} // namespace studio::ui
