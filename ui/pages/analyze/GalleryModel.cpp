#include "GalleryModel.h"

#include "AnalysisService.h"
#include "ChartColors.h"

#include <QPainter>

namespace studio::ui {

GalleryModel::GalleryModel(QObject* parent) : QAbstractListModel(parent) {}

void GalleryModel::setAnalysis(const Analysis* analysis)
{
    m_analysis = analysis;
    m_thumbnails.clear();
    rebuild();
}

void GalleryModel::setFilter(const Filter& filter)
{
    m_filter = filter;
    rebuild();
}

void GalleryModel::setOrder(ImageOrder order)
{
    m_order = order;
    rebuild();
}

void GalleryModel::rebuild()
{
    beginResetModel();
    m_rows.clear();
    if (m_analysis && m_filter.only) {
        const auto& images = m_analysis->shownImages();
        for (int i : *m_filter.only)
            if (i >= 0 && std::size_t(i) < images.size())
                m_rows.push_back(images[std::size_t(i)]);
    } else if (m_analysis)
        for (const auto& s : m_analysis->shownImages()) {
            if (m_filter.errorsOnly && s.correct())
                continue;
            if ((m_filter.trueClass >= 0 && s.label != m_filter.trueClass) ||
                (m_filter.predicted >= 0 && s.predicted != m_filter.predicted))
                continue;
            if (s.confidence < m_filter.minConfidence || s.confidence > m_filter.maxConfidence)
                continue;
            m_rows.push_back(s);
        }
    sortImages(m_rows, m_order, m_analysis ? m_analysis->histories : std::vector<ImageHistory>{});
    endResetModel();
}

int GalleryModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant GalleryModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || !m_analysis)
        return {};
    const auto& s = m_rows[std::size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        return QStringLiteral("%1 → %2 · %3%")
            .arg(m_analysis->className(s.label), m_analysis->className(s.predicted))
            .arg(s.confidence * 100, 0, 'f', 1);
    case Qt::DecorationRole: {
        auto it = m_thumbnails.find(s.index);
        if (it == m_thumbnails.end()) {
            QPixmap pixmap = QPixmap::fromImage(m_analysis->image(s.index).scaled(56, 56));
            if (!s.correct() && s.confidence > highConfidence()) { // high-confidence errors get an orange frame
                QPainter painter(&pixmap);
                painter.setPen(QPen(colors::validation, 3));
                painter.drawRect(pixmap.rect().adjusted(1, 1, -2, -2));
            }
            it = m_thumbnails.insert(s.index, pixmap);
        }
        return it.value();
    }
    case Qt::ToolTipRole: {
        QString text = QStringLiteral("image #%1\ntrue %2, predicted %3\nconfidence %4%, loss %5, margin %6")
                           .arg(s.index)
                           .arg(s.label)
                           .arg(s.predicted)
                           .arg(s.confidence * 100, 0, 'f', 2)
                           .arg(s.loss, 0, 'f', 3)
                           .arg(s.margin, 0, 'f', 3);
        if (std::size_t(s.index) < m_analysis->histories.size()) {
            const auto& h = m_analysis->histories[std::size_t(s.index)];
            text += tr("\nlearned at epoch %1, forgotten %2 times")
                        .arg(h.learnedAt > 0 ? QString::number(h.learnedAt) : tr("–"))
                        .arg(h.forgettingEvents);
        }
        return text;
    }
    case ScoreIndexRole:
        return qlonglong(s.index);
    case TrueRole:
        return s.label;
    case PredictedRole:
        return s.predicted;
    case ConfidenceRole:
        return s.confidence;
    default:
        return {};
    }
}

} // namespace studio::ui
