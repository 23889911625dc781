// Classification data sets that become contextual bandits with expert
// advice (environment.h): a feature matrix scaled to [0, 1] per column and a
// label per row in {0, ..., K-1}.
//
// Sources:
//   synthetic   drawn here (SyntheticDataset): no file needed, so tests and
//               the quick configs run on any machine
//   <name>      <data dir>/<name>.csv (LoadCsvDataset), the files `lab`
//               prepares from Debian packages (python3-sklearn: iris, wine,
//               breast_cancer, BSD licence; r-cran-mlbench: the UCI sets
//               letter, shuttle, satellite, vehicle, vowel, GPL-2)
//
// CSV format (scikit-learn's bundled files): a header line
// "rows,features[,class names...]", then one line per row of `features`
// numbers followed by an integer label. Labels are renumbered 0..K-1 in
// increasing order.
#pragma once

#include <Eigen/Core>
#include <string>
#include <vector>

#include "sim/rng.h"

namespace expertlab::trees {

struct Dataset {
  std::string name;
  Eigen::MatrixXd features;  // rows x columns, each column scaled to [0, 1]
  std::vector<int> labels;   // per row, in [0, classes)
  int classes = 0;

  int rows() const { return static_cast<int>(features.rows()); }
  int columns() const { return static_cast<int>(features.cols()); }
};

// Rows with uniform labels over `classes` and features drawn around one
// uniform centroid per class (sd 0.15 per coordinate), then min-max scaled.
Dataset SyntheticDataset(int rows, int columns, int classes, Rng& rng);

// Reads the CSV format above. A missing file, a malformed header or line,
// a row count that disagrees with the header or fewer than 2 classes is an
// error naming the file (and the line).
Dataset LoadCsvDataset(const std::string& path, const std::string& name);

// Where data files live: $EXPERTLAB_DATA if set, else the repository's
// data/ folder (filled by `lab`).
std::string DataDirectory();
std::string DatasetPath(const std::string& name);

// "synthetic" (2000 rows, 16 columns, 4 classes drawn from `rng`) or the
// file <data dir>/<name>.csv.
Dataset MakeDataset(const std::string& name, Rng& rng);

// Scales each column to [0, 1] (a constant column becomes 0).
void ScaleColumns(Eigen::MatrixXd& features);

}  // namespace expertlab::trees
