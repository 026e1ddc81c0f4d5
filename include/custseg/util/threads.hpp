#pragma once
// Caps TBB's worker count for the life of the object (threads == 0: TBB's default).
#include <tbb/global_control.h>

#include <memory>

namespace custseg {

class ThreadLimit {
 public:
  explicit ThreadLimit(int threads) {
    if (threads > 0)
      control_ = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism,
                                                       static_cast<std::size_t>(threads));
  }

 private:
  std::unique_ptr<tbb::global_control> control_;
};

}  // namespace custseg
