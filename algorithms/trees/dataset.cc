#include "algorithms/trees/dataset.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "sim/check.h"
#include "sim/samplers.h"

namespace expertlab::trees {
namespace {

// Splits a CSV line at commas (no quoting: the supported files have none).
std::vector<std::string> SplitCsv(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream stream(line);
  std::string field;
  while (std::getline(stream, field, ',')) fields.push_back(field);
  return fields;
}

bool ParseNumber(const std::string& text, double& value) {
  const char* first = text.data();
  const char* last = first + text.size();
  while (first < last && *first == ' ') ++first;
  while (last > first && (last[-1] == ' ' || last[-1] == '\r')) --last;
  const auto [end, error] = std::from_chars(first, last, value);
  return error == std::errc() && end == last && first != last;
}

}  // namespace

void ScaleColumns(Eigen::MatrixXd& features) {
  for (Eigen::Index c = 0; c < features.cols(); ++c) {
    const double low = features.col(c).minCoeff(), high = features.col(c).maxCoeff();
    if (high > low) {
      features.col(c) = (features.col(c).array() - low) / (high - low);
    } else {
      features.col(c).setZero();
    }
  }
}

Dataset SyntheticDataset(int rows, int columns, int classes, Rng& rng) {
  EXPERTLAB_CHECK(rows >= 1 && columns >= 1 && classes >= 2)
      << "synthetic data set: need rows >= 1, columns >= 1 and classes >= 2, got " << rows << ", "
      << columns << ", " << classes;
  Eigen::MatrixXd centroids(classes, columns);
  for (Eigen::Index i = 0; i < centroids.size(); ++i) centroids.data()[i] = rng.Uniform();
  Dataset data{"synthetic", Eigen::MatrixXd(rows, columns), std::vector<int>(rows), classes};
  for (int r = 0; r < rows; ++r) {
    const int label = static_cast<int>(rng.UniformInt(static_cast<uint64_t>(classes)));
    data.labels[static_cast<size_t>(r)] = label;
    for (int c = 0; c < columns; ++c) data.features(r, c) = Normal(rng, centroids(label, c), 0.15);
  }
  ScaleColumns(data.features);
  return data;
}

Dataset LoadCsvDataset(const std::string& path, const std::string& name) {
  std::ifstream in(path);
  EXPERTLAB_CHECK(in.good()) << "dataset '" << name << "': cannot open " << path
                             << " (./lab run prepares it from Debian packages; or set "
                                "EXPERTLAB_DATA to a folder holding "
                             << name << ".csv)";
  std::string line;
  std::getline(in, line);
  const std::vector<std::string> header = SplitCsv(line);
  double rows_value = 0, columns_value = 0;
  EXPERTLAB_CHECK(header.size() >= 2 && ParseNumber(header[0], rows_value) &&
                  ParseNumber(header[1], columns_value) && rows_value >= 1 && columns_value >= 1)
      << path
      << " line 1: expected a header 'rows,features[,class names]' with positive "
         "counts, got '"
      << line << "'";
  const auto rows = static_cast<int>(rows_value), columns = static_cast<int>(columns_value);
  Dataset data{name, Eigen::MatrixXd(rows, columns), std::vector<int>(rows), 0};
  std::vector<double> raw_labels(static_cast<size_t>(rows));
  int row = 0;
  for (int line_number = 2; std::getline(in, line); ++line_number) {
    if (line.empty() || line == "\r") continue;
    const std::vector<std::string> fields = SplitCsv(line);
    EXPERTLAB_CHECK(row < rows) << path << " line " << line_number << ": more rows than the "
                                << rows << " the header announces";
    EXPERTLAB_CHECK(static_cast<int>(fields.size()) == columns + 1)
        << path << " line " << line_number << ": expected " << columns + 1
        << " fields (features and a label), got " << fields.size();
    for (int c = 0; c <= columns; ++c) {
      double value = 0;
      EXPERTLAB_CHECK(ParseNumber(fields[static_cast<size_t>(c)], value))
          << path << " line " << line_number << " field " << c + 1 << ": expected a number, got '"
          << fields[static_cast<size_t>(c)] << "'";
      if (c < columns) {
        data.features(row, c) = value;
      } else {
        EXPERTLAB_CHECK(value == static_cast<double>(static_cast<int64_t>(value)))
            << path << " line " << line_number << ": the label must be an integer, got "
            << fields.back();
        raw_labels[static_cast<size_t>(row)] = value;
      }
    }
    ++row;
  }
  EXPERTLAB_CHECK(row == rows) << path << ": the header announces " << rows << " rows, found "
                               << row;
  std::map<double, int> codes;
  for (double label : raw_labels) codes.emplace(label, 0);
  EXPERTLAB_CHECK(codes.size() >= 2)
      << path << ": expected at least 2 classes, found " << codes.size();
  int next = 0;
  for (auto& [label, code] : codes) code = next++;
  for (size_t r = 0; r < raw_labels.size(); ++r) data.labels[r] = codes[raw_labels[r]];
  data.classes = next;
  ScaleColumns(data.features);
  return data;
}

std::string DataDirectory() {
  if (const char* dir = std::getenv("EXPERTLAB_DATA"); dir != nullptr && *dir != '\0') return dir;
  return EXPERTLAB_DATA_DIR;
}

std::string DatasetPath(const std::string& name) { return DataDirectory() + "/" + name + ".csv"; }

Dataset MakeDataset(const std::string& name, Rng& rng) {
  if (name == "synthetic") return SyntheticDataset(2000, 16, 4, rng);
  return LoadCsvDataset(DatasetPath(name), name);
}

}  // namespace expertlab::trees
