#include "WidgetExport.h"

#include <QFileInfo>
#include <QImage>
#include <QObject>
#include <QPainter>
#include <QSaveFile>
#include <QSvgGenerator>
#include <QWidget>

namespace studio::ui {

QString exportWidget(QWidget* widget, const QString& path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix != "png" && suffix != "svg")
        return QObject::tr("Cannot export to %1: choose a .png or .svg file.").arg(path);
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return QObject::tr("Cannot write %1: %2").arg(path, file.errorString());
    if (suffix == "svg") {
        QSvgGenerator generator;
        generator.setOutputDevice(&file);
        generator.setSize(widget->size());
        generator.setViewBox(widget->rect());
        generator.setTitle(widget->windowTitle());
        QPainter painter(&generator);
        widget->render(&painter, QPoint(), QRegion(), QWidget::DrawChildren);
    } else {
        const qreal ratio = std::max<qreal>(2.0, widget->devicePixelRatioF());
        QImage image(widget->size() * ratio, QImage::Format_ARGB32_Premultiplied);
        image.setDevicePixelRatio(ratio);
        image.fill(widget->palette().color(QPalette::Base));
        QPainter painter(&image);
        widget->render(&painter, QPoint(), QRegion(), QWidget::DrawChildren);
        painter.end();
        if (!image.save(&file, "PNG"))
            return QObject::tr("Cannot encode %1 as PNG.").arg(path);
    }
    if (!file.commit())
        return QObject::tr("Cannot write %1: %2").arg(path, file.errorString());
    return {};
}

} // namespace studio::ui
