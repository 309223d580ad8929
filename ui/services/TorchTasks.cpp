#include "TorchTasks.h"

namespace studio::ui {
namespace {

QThreadPool* oneThreadPool()
{
    auto* pool = new QThreadPool;
    pool->setMaxThreadCount(1);
    return pool;
}

} // namespace

QThreadPool* torchPool()
{
    static QThreadPool* pool = oneThreadPool();
    return pool;
}

QThreadPool* tsnePool()
{
    static QThreadPool* pool = oneThreadPool();
    return pool;
}

} // namespace studio::ui
