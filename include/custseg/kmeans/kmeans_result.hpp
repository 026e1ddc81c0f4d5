#pragma once
// What a k-means fit gives (driver.hpp): plain data, no MPI, so reports can depend on it.
#include <cstdint>
#include <string>
#include <vector>

namespace custseg::kmeans {

struct IterationRecord {
  int iteration = 0;
  double inertia = 0.0;  // of the assignment made in this iteration, before the update
                         // (inertia_from_sums: the same bits for every algorithm)
  double shift = 0.0;    // total squared centroid shift of the update
  double seconds = 0.0;
  int reseeded = 0;      // empty clusters re-seeded in this iteration
  bool distinct_limited = false;  // empty clusters left: every row sits on its centroid (duplicates)
  std::uint64_t rows_searched = 0;  // all ranks: rows whose distances were computed
};

struct KMeansResult {
  std::vector<double> centroids;        // k * d, k-means space
  std::vector<std::int32_t> labels;     // local rows
  std::vector<float> distance2;         // local rows (direct formula, rounded to float)
  std::vector<std::int64_t> counts;     // k, global
  double inertia = 0.0;                 // sum of squared distances, k-means space
  int iterations = 0;
  bool converged = false;
  int best_restart = 0;
  std::vector<double> restart_inertia;
  std::vector<IterationRecord> history;  // of the kept restart
  double init_seconds = 0.0;             // all restarts
  double iterate_seconds = 0.0;          // all restarts
  std::string algorithm;                 // the step that ran (auto resolved)
  // Fewer distinct rows than k (duplicates): the fit has one cluster per distinct row, so
  // centroids and counts hold distinct_rows clusters instead of requested_k. 0 when not so.
  std::size_t requested_k = 0;
  std::size_t distinct_rows = 0;
  [[nodiscard]] std::size_t clusters() const { return counts.size(); }
};

}  // namespace custseg::kmeans
