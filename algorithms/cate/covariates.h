// Covariate matrices for the treatment-effect family: a synthetic generator
// of correlated features in [0, 1] and a loader for a real covariate matrix
// (CSV) preprocessed as in Hüyük, Wei, Curth & van der Schaar, "Defining
// Expertise: Applications to Treatment Effect Estimation", ICLR 2024, §5
// (semi-synthetic data: log(1 + x) for count data, constant columns
// dropped, the highest-entropy columns kept, min-max scaled to [0, 1]).
//
// Synthetic covariates: a Gaussian copula with AR(1) correlation,
// z_j = rho z_{j-1} + sqrt(1 - rho^2) g_j (g_j iid N(0, 1)), x_j = Phi(z_j):
// every feature is uniform on [0, 1] and corr(z_i, z_j) = rho^|i-j|.
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <string>

#include "sim/rng.h"

namespace expertlab::cate {

// n rows x dim columns in [0, 1]; rho in [0, 1).
Eigen::MatrixXd SyntheticCovariates(int64_t n, int dim, double rho, Rng& rng);

// kPlain: one row per line, comma separated, an optional header line of
// non-numeric names. kLabelledDataset: the data sets `lab` prepares in
// data/ (algorithms/trees/dataset.h: a header "rows,features[,class
// names...]", then features and a label per line); the label is dropped.
enum class CsvLayout { kPlain, kLabelledDataset };

// Reads a numeric CSV. An error names the file and the line/column when the
// file is missing, a value is not a finite number (NaN, inf, text), or rows
// differ in width.
Eigen::MatrixXd ReadCovariateCsv(const std::string& path, CsvLayout layout = CsvLayout::kPlain);

// The paper's preprocessing: log(1 + x) when every entry is a non-negative
// integer (counts), drop constant columns, keep the `keep` columns of
// highest histogram entropy (all when fewer; ties by column order), scale
// each column to [0, 1]. An error when fewer than `min_columns` remain.
Eigen::MatrixXd PreprocessCovariates(const Eigen::MatrixXd& raw, int keep, int min_columns);

// Shannon entropy (nats) of a column's histogram with `bins` equal-width
// bins over its range (0 for a constant column).
double ColumnEntropy(const Eigen::VectorXd& column, int bins);

}  // namespace expertlab::cate
