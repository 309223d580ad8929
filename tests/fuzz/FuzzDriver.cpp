// Runs one fuzz target (libFuzzer's entry point, LLVMFuzzerTestOneInput) without libFuzzer: each
// seed of the corpus once, then random mutations of them (bit flips, bytes set to edge values,
// insertions, erasures, duplications, truncations, splices) until the time or run budget is spent.
// Under the sanitizer build (STUDIO_SANITIZE) a memory or UB error aborts with its report; the
// input that caused any abort, signal or uncaught exception is written to crash-<target>-<n>.bin.
//
//   fuzz_<target> [--seconds S] [--runs N] [--seed K] CORPUS...   (files or folders)
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <unistd.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);
// The sanitizers' runtime, when linked (STUDIO_SANITIZE).
extern "C" __attribute__((weak)) void __sanitizer_set_death_callback(void (*callback)());

namespace {

using Bytes = std::vector<std::uint8_t>;

const Bytes* g_current = nullptr;
std::string g_name;

/// Writes the input being run (best effort: called from a signal or death callback).
void saveCurrent()
{
    if (!g_current)
        return;
    const std::string path = "crash-" + g_name + "-" + std::to_string(::getpid()) + ".bin";
    if (FILE* f = std::fopen(path.c_str(), "wb")) {
        std::fwrite(g_current->data(), 1, g_current->size(), f);
        std::fclose(f);
        std::fprintf(stderr, "fuzz %s: the input is in %s\n", g_name.c_str(), path.c_str());
    }
    g_current = nullptr;
}

void onSignal(int sig)
{
    saveCurrent();
    std::signal(sig, SIG_DFL);
    std::raise(sig);
}

Bytes readFile(const std::filesystem::path& p)
{
    std::ifstream in(p, std::ios::binary);
    return Bytes(std::istreambuf_iterator<char>(in), {});
}

void mutate(Bytes& b, const std::vector<Bytes>& corpus, std::mt19937_64& rng)
{
    const auto pick = [&](std::size_t n) { return n ? std::size_t(rng() % n) : 0; };
    static constexpr std::uint8_t edge[] = {0x00, 0x01, 0x7f, 0x80, 0xff, 0x08, 0x03};
    const int count = 1 + int(rng() % 8);
    for (int i = 0; i < count; ++i) {
        switch (rng() % 8) {
        case 0:
            if (!b.empty())
                b[pick(b.size())] ^= std::uint8_t(1u << (rng() % 8));
            break;
        case 1:
            if (!b.empty())
                b[pick(b.size())] = edge[pick(sizeof edge)];
            break;
        case 2:
            if (!b.empty())
                b[pick(b.size())] = std::uint8_t(rng());
            break;
        case 3: { // insert random bytes
            const auto n = 1 + pick(16);
            Bytes ins(n);
            for (auto& c : ins)
                c = std::uint8_t(rng());
            b.insert(b.begin() + std::ptrdiff_t(pick(b.size() + 1)), ins.begin(), ins.end());
            break;
        }
        case 4: // erase a range
            if (b.size() > 1) {
                const auto at = pick(b.size()), n = 1 + pick(std::min<std::size_t>(b.size() - at, 64));
                b.erase(b.begin() + std::ptrdiff_t(at), b.begin() + std::ptrdiff_t(at + n));
            }
            break;
        case 5: // duplicate a range
            if (!b.empty() && b.size() < (1u << 22)) {
                const auto at = pick(b.size()), n = 1 + pick(std::min<std::size_t>(b.size() - at, 256));
                const Bytes copy(b.begin() + std::ptrdiff_t(at), b.begin() + std::ptrdiff_t(at + n));
                b.insert(b.begin() + std::ptrdiff_t(pick(b.size() + 1)), copy.begin(), copy.end());
            }
            break;
        case 6: // truncate
            b.resize(pick(b.size() + 1));
            break;
        default: { // splice: the tail of another seed
            const auto& other = corpus[pick(corpus.size())];
            if (!other.empty()) {
                const auto at = pick(b.size() + 1), from = pick(other.size());
                b.resize(at);
                b.insert(b.end(), other.begin() + std::ptrdiff_t(from), other.end());
            }
        }
        }
    }
}

} // namespace

int main(int argc, char** argv)
{
    g_name = std::filesystem::path(argv[0]).filename().string();
    double seconds = 10;
    long long runs = -1;
    std::uint64_t seed = 1;
    std::vector<Bytes> corpus;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--seconds" && i + 1 < argc)
            seconds = std::atof(argv[++i]);
        else if (a == "--runs" && i + 1 < argc)
            runs = std::atoll(argv[++i]);
        else if (a == "--seed" && i + 1 < argc)
            seed = std::strtoull(argv[++i], nullptr, 10);
        else if (std::filesystem::is_directory(a))
            for (const auto& e : std::filesystem::directory_iterator(a))
                corpus.push_back(readFile(e.path()));
        else if (std::filesystem::is_regular_file(a))
            corpus.push_back(readFile(a));
        else {
            std::fprintf(stderr, "usage: %s [--seconds S] [--runs N] [--seed K] CORPUS...\n", argv[0]);
            return 2;
        }
    }
    if (corpus.empty()) {
        std::fprintf(stderr, "%s: no corpus given\n", argv[0]);
        return 2;
    }
    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize(&argc, &argv);
    if (__sanitizer_set_death_callback)
        __sanitizer_set_death_callback(saveCurrent);
    for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT})
        std::signal(sig, onSignal);
    std::set_terminate([] {
        std::fprintf(stderr, "fuzz: an exception escaped the target\n");
        saveCurrent();
        std::abort();
    });

    std::mt19937_64 rng(seed);
    const auto start = std::chrono::steady_clock::now();
    long long executions = 0;
    const auto run = [&](const Bytes& input) {
        g_current = &input;
        LLVMFuzzerTestOneInput(input.data(), input.size());
        g_current = nullptr;
        ++executions;
    };
    for (const auto& s : corpus)
        run(s);
    const auto elapsed = [&] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    while ((runs < 0 || executions < runs) && (runs >= 0 || elapsed() < seconds)) {
        Bytes input = corpus[std::size_t(rng() % corpus.size())];
        mutate(input, corpus, rng);
        run(input);
    }
    std::printf("%s: %lld executions in %.0f s (%.0f/s), %zu seeds, 0 crashes\n", g_name.c_str(), executions, elapsed(),
                double(executions) / std::max(elapsed(), 1e-9), corpus.size());
    return 0;
}
