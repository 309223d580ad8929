#pragma once
#include <QMainWindow>

class QAction;
class QActionGroup;
class QLabel;
class QStackedWidget;

namespace studio::ui {

class AnalyzePage;
class DataSource;
class DrawPage;
class RunsPage;
class RunsService;
class TrainPage;
class TrainingSession;

/// The studio window: a page bar (Train, Analyze, Draw, Runs), menus with shortcuts, status bar,
/// geometry and last configuration restored from QSettings. Closing it mid-run stops training
/// after the current batch, keeps a resumable checkpoint and joins the worker.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    struct Options {
        QString dataFolder; ///< --data (empty: the usual lookup)
        QString runsFolder; ///< --runs (empty: RunStore::defaultFolder())
    };
    explicit MainWindow(const Options& options = {}, QWidget* parent = nullptr);
    ~MainWindow() override;

    enum Page { Train, Analyze, Draw, Runs };
    void showPage(Page page);
    Page currentPage() const;
    TrainPage* trainPage() const { return m_trainPage; }
    DrawPage* drawPage() const { return m_drawPage; }
    AnalyzePage* analyzePage() const { return m_analyzePage; }
    RunsPage* runsPage() const { return m_runsPage; }
    TrainingSession* session() const { return m_session; }
    DataSource* dataSource() const { return m_data; }

    /// Versions of the studio, Qt, LibTorch and OpenCV (the About box).
    static QString aboutText();
    /// --self-test: shows every page once and checks it drew something (a grab with more than one
    /// colour); one line per page, "ok" or "FAILED", and whether all passed.
    bool selfTest(QStringList& lines);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildPages();
    void buildMenus();
    void restoreSettings();
    void saveSettings() const;
    void showAbout();
    /// File → Export model…: the Analyze page's model preselected.
    void exportModel();

    DataSource* m_data;
    RunsService* m_runs; ///< the pages' one connection to the run store
    TrainingSession* m_session;
    QStackedWidget* m_pages;
    TrainPage* m_trainPage = nullptr;
    DrawPage* m_drawPage = nullptr;
    AnalyzePage* m_analyzePage = nullptr;
    RunsPage* m_runsPage = nullptr;
    QActionGroup* m_pageActions;
    QLabel* m_runState;
};

} // namespace studio::ui
