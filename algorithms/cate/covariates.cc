#include "algorithms/cate/covariates.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <numeric>
#include <sstream>
#include <vector>

#include "sim/check.h"
#include "sim/samplers.h"

namespace expertlab::cate {
namespace {

double StandardNormalCdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

// Splits a CSV line on commas (no quoting: covariate files are numeric).
std::vector<std::string> SplitCsvLine(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream stream(line);
  std::string field;
  while (std::getline(stream, field, ',')) fields.push_back(field);
  if (!line.empty() && line.back() == ',') fields.emplace_back();
  return fields;
}

bool ParseFinite(const std::string& text, double& value) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string::npos) return false;
  const auto last = text.find_last_not_of(" \t\r");
  const std::string trimmed = text.substr(first, last - first + 1);
  char* end = nullptr;
  value = std::strtod(trimmed.c_str(), &end);
  return end == trimmed.c_str() + trimmed.size() && std::isfinite(value);
}

}  // namespace

Eigen::MatrixXd SyntheticCovariates(int64_t n, int dim, double rho, Rng& rng) {
  EXPERTLAB_CHECK(n >= 1 && dim >= 1)
      << "synthetic covariates: n = " << n << ", dim = " << dim << "; expected both >= 1";
  EXPERTLAB_CHECK(rho >= 0 && rho < 1)
      << "synthetic covariates: rho = " << rho << "; expected 0 <= rho < 1";
  Eigen::MatrixXd x(n, dim);
  const double innovation = std::sqrt(1 - rho * rho);
  for (int64_t i = 0; i < n; ++i) {
    double z = Normal(rng);
    x(i, 0) = StandardNormalCdf(z);
    for (int j = 1; j < dim; ++j) {
      z = rho * z + innovation * Normal(rng);
      x(i, j) = StandardNormalCdf(z);
    }
  }
  return x;
}

Eigen::MatrixXd ReadCovariateCsv(const std::string& path, CsvLayout layout) {
  std::ifstream file(path);
  EXPERTLAB_CHECK(file.good()) << "covariates: cannot read '" << path
                               << "'; expected a CSV file of numeric covariates"
                               << (layout == CsvLayout::kLabelledDataset
                                       ? " (./lab run prepares data/; EXPERTLAB_DATA moves it)"
                                       : "");
  std::vector<std::vector<double>> rows;
  std::string line;
  int64_t line_number = 0;
  size_t width = 0;
  while (std::getline(file, line)) {
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::vector<std::string> fields = SplitCsvLine(line);
    std::vector<double> row(fields.size());
    bool numeric = true;
    for (size_t j = 0; j < fields.size() && numeric; ++j) numeric = ParseFinite(fields[j], row[j]);
    if (layout == CsvLayout::kLabelledDataset && line_number == 1) {
      // "rows,features[,class names...]": rows then carry features + a label.
      double features = 0;
      EXPERTLAB_CHECK(fields.size() >= 2 && ParseFinite(fields[1], features) && features >= 1 &&
                      features == std::round(features))
          << "covariates: '" << path << "' line 1 is '" << line
          << "'; expected the header 'rows,features[,class names...]'";
      width = static_cast<size_t>(features) + 1;
      continue;
    }
    if (!numeric && rows.empty() && width == 0) {  // a header line
      width = fields.size();
      continue;
    }
    if (width == 0) width = fields.size();
    EXPERTLAB_CHECK(fields.size() == width)
        << "covariates: '" << path << "' line " << line_number << " has " << fields.size()
        << " columns; expected " << width << " (the width of the first line)";
    for (size_t j = 0; j < fields.size(); ++j) {
      double value = 0;
      EXPERTLAB_CHECK(ParseFinite(fields[j], value))
          << "covariates: '" << path << "' line " << line_number << " column " << j + 1 << " is '"
          << fields[j] << "'; expected a finite number (no NaN, inf or text)";
    }
    rows.push_back(std::move(row));
  }
  EXPERTLAB_CHECK(!rows.empty()) << "covariates: '" << path << "' has no data rows";
  const size_t columns = layout == CsvLayout::kLabelledDataset ? width - 1 : width;
  Eigen::MatrixXd x(static_cast<Eigen::Index>(rows.size()), static_cast<Eigen::Index>(columns));
  for (size_t i = 0; i < rows.size(); ++i)
    for (size_t j = 0; j < columns; ++j) x(i, j) = rows[i][j];
  return x;
}

double ColumnEntropy(const Eigen::VectorXd& column, int bins) {
  const double lo = column.minCoeff(), hi = column.maxCoeff();
  if (!(hi > lo)) return 0.0;
  std::vector<int64_t> counts(bins, 0);
  for (double v : column)
    ++counts[std::min(bins - 1, static_cast<int>((v - lo) / (hi - lo) * bins))];
  double h = 0;
  const double n = static_cast<double>(column.size());
  for (int64_t c : counts)
    if (c > 0) h -= c / n * std::log(c / n);
  return h;
}

Eigen::MatrixXd PreprocessCovariates(const Eigen::MatrixXd& raw, int keep, int min_columns) {
  EXPERTLAB_CHECK(raw.rows() >= 2) << "covariates: " << raw.rows() << " rows; expected at least 2";
  const bool counts = (raw.array() >= 0).all() && (raw.array() == raw.array().round()).all();
  const Eigen::MatrixXd x = counts ? Eigen::MatrixXd(raw.array().log1p()) : raw;
  std::vector<int> columns;
  for (int j = 0; j < x.cols(); ++j)
    if (x.col(j).maxCoeff() > x.col(j).minCoeff()) columns.push_back(j);
  EXPERTLAB_CHECK(static_cast<int>(columns.size()) >= min_columns)
      << "covariates: " << columns.size() << " non-constant columns; expected at least "
      << min_columns << " (the outcome model's masks need them)";
  const int bins = std::max(2, static_cast<int>(std::ceil(std::log2(x.rows()) + 1)));
  std::vector<double> entropy(x.cols(), 0.0);
  for (int j : columns) entropy[j] = ColumnEntropy(x.col(j), bins);
  std::stable_sort(columns.begin(), columns.end(),
                   [&](int a, int b) { return entropy[a] > entropy[b]; });
  if (static_cast<int>(columns.size()) > keep) columns.resize(keep);
  std::sort(columns.begin(), columns.end());
  Eigen::MatrixXd out(x.rows(), static_cast<Eigen::Index>(columns.size()));
  for (size_t k = 0; k < columns.size(); ++k) {
    const Eigen::VectorXd c = x.col(columns[k]);
    out.col(k) = (c.array() - c.minCoeff()) / (c.maxCoeff() - c.minCoeff());
  }
  return out;
}

}  // namespace expertlab::cate
