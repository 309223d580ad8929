#include "TorchTasks.h"

namespace studio::ui {

QThreadPool* torchPool()
{
    static QThreadPool* pool = [] {
        auto* p = new QThreadPool;
        p->setMaxThreadCount(1);
        return p;
    }();
    return pool;
}

} // namespace studio::ui
