// custseg bench: times the k-means steps on one generated dataset, for scripts/bench_kmeans.py
// (which adds scikit-learn and FAISS on the same data and draws the table).
//
// In one run: generate a Gaussian mixture keyed by global row (the same rows for any rank
// count), pick the initial centroids once with k-means||, then for every algorithm time a fixed
// number of iterations and a run to convergence from those centroids; record the peak memory per
// rank; finally measure the memory read bandwidth (a STREAM-like sum, same ranks and threads).
// Optionally dumps the rows and the initial centroids as raw files so peers start from the same
// point. Prints one JSON object on rank 0.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_reduce.h>

#include "custseg/config/choices.hpp"
#include "custseg/config/fit_options.hpp"
#include "custseg/config/options.hpp"
#include "custseg/io/partition.hpp"
#include "custseg/kmeans/driver.hpp"
#include "custseg/kmeans/init.hpp"
#include "custseg/mpi/collective_guard.hpp"
#include "custseg/util/error.hpp"
#include "custseg/util/log.hpp"
#include "custseg/util/rng.hpp"
#include "custseg/util/rng_streams.hpp"
#include "custseg/util/threads.hpp"
#include "custseg/util/stop_signal.hpp"
#include "jobs.hpp"

namespace custseg::jobs {

namespace {

struct BenchConfig {
  config::CommonOptions common;
  std::uint64_t rows = 1000000;
  std::size_t d = 16;
  std::size_t k = 16;
  std::uint64_t seed = 7;
  int iterations = 10;
  // --max-iter and --tol of the run to convergence; the k-means|| rounds and oversampling are
  // segment's defaults (not options here).
  config::FitOptions fit;
  int mixture = 32;  // components of the generated mixture
  std::string algorithm_list = "lloyd,hamerly,yinyang,auto";
  std::vector<kmeans::Algorithm> algorithms;  // parsed from algorithm_list
  data::Precision precision = data::Precision::float32;
  std::string dump;  // directory for data.bin and init.bin (peers' input); empty = none
  double bandwidth_mib = 1024;
  bool converge = true;
};

// "lloyd,auto" -> its algorithms; a bad name is a usage error.
std::vector<kmeans::Algorithm> parse_algorithm_list(const std::string& list) {
  std::vector<kmeans::Algorithm> algorithms;
  std::stringstream items(list);
  std::string item;
  while (std::getline(items, item, ','))
    if (!item.empty()) algorithms.push_back(kmeans::parse_algorithm(item));
  if (algorithms.empty()) throw_usage("--algorithms names no algorithm");
  return algorithms;
}

bool parse(int argc, char** argv, int rank, BenchConfig& c) {
  namespace po = config::po;
  po::options_description desc("custseg bench: time the k-means steps on generated data (JSON on stdout)");
  desc.add_options()
      ("rows", po::value(&c.rows)->default_value(c.rows), "rows in all (split over ranks)")
      ("d", po::value(&c.d)->default_value(c.d), "features")
      ("k", po::value(&c.k)->default_value(c.k), "clusters")
      ("seed", po::value(&c.seed)->default_value(c.seed), "data and initialisation seed")
      ("iterations", po::value(&c.iterations)->default_value(c.iterations), "fixed iterations for the per-iteration time");
  config::add_convergence_options(desc, c.fit);
  desc.add_options()
      ("mixture", po::value(&c.mixture)->default_value(c.mixture), "components of the generated mixture")
      ("algorithms", po::value(&c.algorithm_list)->default_value(c.algorithm_list),
       "comma list of lloyd, hamerly, yinyang, auto")
      ("precision", config::enum_value(&c.precision, config::parse_precision), "float32 or float64")
      ("converge", po::value(&c.converge)->default_value(c.converge), "also time each algorithm to convergence")
      ("dump", po::value(&c.dump), "directory to write data.bin (rows, row-major) and init.bin (float64 k x d)")
      ("bandwidth-mib", po::value(&c.bandwidth_mib)->default_value(c.bandwidth_mib),
       "array size per rank for the read-bandwidth measurement (0 = skip)");
  config::add_common_options(desc, c.common);
  if (!config::parse_options("custseg bench --rows N --d D --k K [options]", desc, argc, argv, c.common, rank))
    return false;
  if (c.d < 1 || c.k < 1 || c.rows < c.k) throw_usage("need d >= 1, k >= 1 and rows >= k");
  if (c.iterations < 1) throw_usage("--iterations must be at least 1");
  config::validate_fit_options(c.fit);
  if (c.mixture < 1) throw_usage("--mixture must be at least 1");
  if (!(c.bandwidth_mib >= 0)) throw_usage("--bandwidth-mib must be 0 (skip) or more");
  c.algorithms = parse_algorithm_list(c.algorithm_list);
  return true;
}

// Gaussian mixture: row r belongs to component hash(r) % m, whose centre is drawn from the seed;
// unit noise. Every value is a pure function of (seed, global row, feature).
data::FeatureMatrix generate(const BenchConfig& c, const io::RowBlock& block) {
  namespace streams = rng::streams;
  data::FeatureMatrix x;
  x.rows = block.count;
  x.dims = c.d;
  x.global_begin = block.begin;
  std::vector<double> centres(static_cast<std::size_t>(c.mixture) * c.d);
  for (std::size_t i = 0; i < centres.size(); ++i) centres[i] = 6.0 * (rng::uniform(c.seed, streams::kBenchMixtureCentre, i) - 0.5);
  auto fill = [&](auto* out) {
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, x.rows, 4096), [&](const tbb::blocked_range<std::size_t>& r) {
      for (std::size_t i = r.begin(); i != r.end(); ++i) {
        const std::uint64_t row = block.begin + i;
        const std::size_t g = rng::bits(c.seed, streams::kBenchMixtureComponent, row) % static_cast<std::uint64_t>(c.mixture);
        for (std::size_t j = 0; j < c.d; ++j) {
          // One uniform pair per feature, Box-Muller by hand (rng::normal costs two streams each).
          const std::uint64_t stream = streams::kBenchCoordinateFirst + 2 * j;
          const double u1 = rng::uniform(c.seed, stream, row), u2 = rng::uniform(c.seed, stream + 1, row);
          const double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
          out[i * c.d + j] = static_cast<std::remove_pointer_t<decltype(out)>>(centres[g * c.d + j] + z);
        }
      }
    });
  };
  if (c.precision == data::Precision::float32) {
    x.precision = data::Precision::float32;
    x.values32.resize(x.rows * x.dims);
    fill(x.values32.data());
  } else {
    x.values.resize(x.rows * x.dims);
    fill(x.values.data());
  }
  return x;
}

// Peak resident memory of this process (VmHWM), in bytes.
double peak_memory_bytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) * 1024.0;
  return peak_rss_bytes();
}

// Sustained read bandwidth of all ranks together: each rank sums its own array with its TBB
// threads, all ranks at once; the best of a few repetitions.
double read_bandwidth(const mpi::Communicator& comm, double mib) {
  const std::size_t n = static_cast<std::size_t>(mib * 1024.0 * 1024.0 / sizeof(double));
  std::vector<double> a(n);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 1 << 16), [&](const tbb::blocked_range<std::size_t>& r) {
    for (std::size_t i = r.begin(); i != r.end(); ++i) a[i] = static_cast<double>(i & 7);  // first touch by workers
  });
  double best = 1e300, sink = 0.0;
  for (int rep = 0; rep < 5; ++rep) {
    comm.barrier();
    const auto t0 = std::chrono::steady_clock::now();
    sink += tbb::parallel_reduce(
        tbb::blocked_range<std::size_t>(0, n, 1 << 16), 0.0,
        [&](const tbb::blocked_range<std::size_t>& r, double s) {
          double lane[8] = {0, 0, 0, 0, 0, 0, 0, 0};
          std::size_t i = r.begin();
          for (; i + 8 <= r.end(); i += 8)
            for (int l = 0; l < 8; ++l) lane[l] += a[i + static_cast<std::size_t>(l)];
          for (; i < r.end(); ++i) lane[0] += a[i];
          return s + ((lane[0] + lane[1]) + (lane[2] + lane[3])) + ((lane[4] + lane[5]) + (lane[6] + lane[7]));
        },
        std::plus<>());
    comm.barrier();
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  if (sink == 42.0) std::fprintf(stderr, " ");  // keeps the sums alive
  return static_cast<double>(comm.size()) * static_cast<double>(n * sizeof(double)) / best;
}

void dump_rows(const mpi::Communicator& comm, const std::string& dir, const data::FeatureMatrix& x) {
  const std::string path = dir + "/data.bin";
  // Written in place: a stop by a signal removes the half-written file (util/stop_signal.hpp).
  const CleanupPaths incomplete({path});
  mpi::agree(comm, [&] {
    if (!comm.is_root()) return;
    std::ofstream create(path, std::ios::binary | std::ios::trunc);
    if (!create) throw_output("cannot create " + path);
  });
  mpi::agree(comm, [&] {
    const int fd = ::open(path.c_str(), O_WRONLY);
    if (fd < 0) throw_output("cannot open " + path);
    const std::size_t width = x.precision == data::Precision::float32 ? sizeof(float) : sizeof(double);
    const char* bytes = x.precision == data::Precision::float32 ? reinterpret_cast<const char*>(x.values32.data())
                                                                : reinterpret_cast<const char*>(x.values.data());
    std::size_t todo = x.rows * x.dims * width, done = 0;
    const auto offset = static_cast<off_t>(x.global_begin * x.dims * width);
    while (done < todo) {
      const ssize_t w = ::pwrite(fd, bytes + done, todo - done, offset + static_cast<off_t>(done));
      if (w <= 0) { ::close(fd); throw_output("write failed: " + path); }
      done += static_cast<std::size_t>(w);
    }
    ::close(fd);
  });
}

double median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  const std::size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : 0.5 * (v[m - 1] + v[m]);
}

// The initial centroids, once for every algorithm (and for the peers, through init.bin).
std::vector<double> initial_centroids(const mpi::Communicator& comm, const BenchConfig& cfg,
                                      const data::FeatureMatrix& x) {
  const kmeans::SumScales scales = kmeans::SumScales::from_max_abs(kmeans::global_max_abs(comm, x));
  return kmeans::kmeans_parallel_init(comm, x, scales,
                                      kmeans::InitOptions{cfg.k, cfg.seed, cfg.fit.init_rounds, cfg.fit.oversampling});
}

void dump_initial(const mpi::Communicator& comm, const std::string& dir, const std::vector<double>& initial) {
  const CleanupPaths incomplete({dir + "/init.bin"});
  mpi::agree(comm, [&] {
    if (!comm.is_root()) return;
    std::ofstream out(dir + "/init.bin", std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(initial.data()), static_cast<std::streamsize>(initial.size() * sizeof(double)));
    if (!out) throw_output("cannot write " + dir + "/init.bin");
  });
}

// Exactly `iterations` iterations (tol < 0 never converges): the per-iteration times.
nlohmann::ordered_json time_fixed_iterations(const mpi::Communicator& comm, const BenchConfig& cfg,
                                             const data::FeatureMatrix& x, kmeans::KMeansOptions o) {
  const Logger quiet(comm.rank(), Verbosity::quiet);
  o.max_iter = cfg.iterations;
  o.tol = -1.0;
  const kmeans::KMeansResult fixed = kmeans::fit(comm, x, o, 1.0, quiet);
  std::vector<double> per_iteration;
  for (const auto& h : fixed.history) per_iteration.push_back(h.seconds);
  nlohmann::ordered_json r = {
      {"algorithm", kmeans::to_string(o.algorithm)},
      {"resolved", fixed.algorithm},
      {"iterations", fixed.iterations},
      {"ms_per_iteration", 1e3 * median(per_iteration)},
      {"ms_per_iteration_mean", 1e3 * std::accumulate(per_iteration.begin(), per_iteration.end(), 0.0) /
                                    static_cast<double>(std::max<std::size_t>(1, per_iteration.size()))},
      {"ms_first_iteration", per_iteration.empty() ? 0.0 : 1e3 * per_iteration.front()},
      {"inertia", fixed.inertia}};
  nlohmann::ordered_json searched = nlohmann::ordered_json::array();
  for (const auto& h : fixed.history) searched.push_back(static_cast<double>(h.rows_searched) / static_cast<double>(cfg.rows));
  r["searched_fraction"] = searched;
  nlohmann::ordered_json ms = nlohmann::ordered_json::array();
  for (double t : per_iteration) ms.push_back(1e3 * t);
  r["ms_each_iteration"] = ms;
  return r;
}

// The run to convergence (--max-iter, --tol), added to the algorithm's record `r`.
void time_to_convergence(const mpi::Communicator& comm, const data::FeatureMatrix& x, const kmeans::KMeansOptions& o,
                         nlohmann::ordered_json& r) {
  const Logger quiet(comm.rank(), Verbosity::quiet);
  const kmeans::KMeansResult conv = kmeans::fit(comm, x, o, 1.0, quiet);
  r["converge_seconds"] = conv.iterate_seconds;
  r["converge_iterations"] = conv.iterations;
  r["converged"] = conv.converged;
  r["converge_inertia"] = conv.inertia;
}

// Every algorithm from the same initial centroids: one JSON record each.
nlohmann::ordered_json time_algorithms(const mpi::Communicator& comm, const BenchConfig& cfg,
                                       const data::FeatureMatrix& x, const std::vector<double>& initial,
                                       const Logger& log) {
  nlohmann::ordered_json results = nlohmann::ordered_json::array();
  for (kmeans::Algorithm a : cfg.algorithms) {
    kmeans::KMeansOptions o = config::kmeans_options(cfg.fit, cfg.k, cfg.seed, 1);
    o.initial_centroids = initial;
    o.algorithm = a;
    // A separate call, so the fixed run's labels and distances are freed before the run to
    // convergence (peak memory).
    nlohmann::ordered_json r = time_fixed_iterations(comm, cfg, x, o);
    if (cfg.converge) time_to_convergence(comm, x, o, r);
    log.info("  " + kmeans::to_string(a) + " (" + r["resolved"].get<std::string>() + "): " +
             std::to_string(r["ms_per_iteration"].get<double>()) + " ms/iteration");
    results.push_back(r);
  }
  return results;
}

// What bench measures besides the k-means runs, for its JSON record.
struct MachineFigures {
  double generate_seconds = 0.0, init_seconds = 0.0;
  double bandwidth = 0.0;       // bytes/s, all ranks
  double peak_memory = 0.0;     // bytes, largest rank
  double feature_bytes = 0.0;   // bytes, largest rank
};

void print_json(const mpi::Communicator& comm, const BenchConfig& cfg, const MachineFigures& m,
                const nlohmann::ordered_json& results) {
  if (!comm.is_root()) return;
  const double bytes_per_value = cfg.precision == data::Precision::float32 ? 4.0 : 8.0;
  const nlohmann::ordered_json out = {
      {"rows", cfg.rows},
      {"d", cfg.d},
      {"k", cfg.k},
      {"precision", data::to_string(cfg.precision)},
      {"ranks", comm.size()},
      {"threads", cfg.common.threads},
      {"generate_seconds", m.generate_seconds},
      {"init_seconds", m.init_seconds},
      {"bytes_per_full_pass", static_cast<double>(cfg.rows) * static_cast<double>(cfg.d) * bytes_per_value},
      {"read_bandwidth_bytes_per_s", m.bandwidth},
      {"peak_memory_bytes_per_rank", m.peak_memory},
      {"feature_bytes_per_rank", m.feature_bytes},
      {"results", results}};
  std::printf("%s\n", out.dump().c_str());
}

}  // namespace

int bench(const mpi::Communicator& comm, int argc, char** argv) {
  BenchConfig cfg;
  bool run = false;
  mpi::agree(comm, [&] { run = parse(argc, argv, comm.rank(), cfg); });
  if (!run) return 0;
  const ThreadLimit threads(cfg.common.threads);
  const Logger log(comm.rank(), cfg.common.verbosity());
  MachineFigures m;
  Stopwatch gen_clock;
  const data::FeatureMatrix x = generate(cfg, io::block_for_rank(cfg.rows, comm.rank(), comm.size()));
  m.generate_seconds = gen_clock.seconds();
  log.info("bench: " + std::to_string(cfg.rows) + " x " + std::to_string(cfg.d) + " " + data::to_string(cfg.precision) +
           ", k = " + std::to_string(cfg.k) + ", generated in " + std::to_string(m.generate_seconds) + " s");
  Stopwatch init_clock;
  const std::vector<double> initial = initial_centroids(comm, cfg, x);
  m.init_seconds = init_clock.seconds();
  if (!cfg.dump.empty()) {
    dump_rows(comm, cfg.dump, x);
    dump_initial(comm, cfg.dump, initial);
  }
  const nlohmann::ordered_json results = time_algorithms(comm, cfg, x, initial, log);
  m.peak_memory = comm.max(peak_memory_bytes());
  m.feature_bytes = comm.max(static_cast<double>(x.bytes()));
  m.bandwidth = cfg.bandwidth_mib > 0 ? read_bandwidth(comm, cfg.bandwidth_mib) : 0.0;
  print_json(comm, cfg, m, results);
  return 0;
}

}  // namespace custseg::jobs
