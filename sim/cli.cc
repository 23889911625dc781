#include "sim/cli.h"

#include <unistd.h>

#include <boost/program_options.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "sim/build_info.h"
#include "sim/check.h"
#include "sim/experiment.h"
#include "sim/mpi_runner.h"
#include "sim/results.h"
#include "sim/sweep.h"

namespace expertlab {
namespace po = boost::program_options;
namespace {

constexpr const char* kUsage =
    "usage: expertlab <command> [options]\n"
    "\n"
    "commands:\n"
    "  list                      experiments and algorithms with their "
    "parameters\n"
    "  run <experiment> [k=v ...] run a sweep (k=a,b,c gives a list)\n"
    "  merge <dir>               combine shard stores, then export CSV\n"
    "  export <dir>              write <dir>/<experiment>.csv from its store\n"
    "  plot <experiment>         draw results/figures/<experiment>.png (--results DIR)\n"
    "  report                    write results/REPORT.md (--results DIR)\n"
    "\n"
    "`expertlab <command> --help` describes each command.\n";

// Bound of --threads, the same on every machine so that a command that runs
// here runs on a cluster node: more threads than this is a typo, not a plan
// (nodes with more cores than this are rare, and --threads 0 uses them all).
constexpr int kMaxThreads = 1024;

struct Parsed {
  po::variables_map vars;
  std::vector<std::string> positional;
};

// Parses `args` (after the command word); --help prints and returns false.
bool Parse(const std::vector<std::string>& args, const std::string& usage,
           po::options_description options, Parsed& parsed) {
  options.add_options()("help,h", "show this help");
  po::options_description all;
  all.add(options).add_options()("positional", po::value<std::vector<std::string>>(), "");
  po::positional_options_description positional;
  positional.add("positional", -1);
  try {
    po::store(
        po::command_line_parser(args)
            .options(all)
            .positional(positional)
            // No abbreviations: --thread must not silently mean --threads.
            .style(po::command_line_style::default_style & ~po::command_line_style::allow_guessing)
            .run(),
        parsed.vars);
    po::notify(parsed.vars);
  } catch (const po::error& e) {
    throw Error(std::string(e.what()) + " (see --help)");
  }
  if (parsed.vars.count("help")) {
    std::cout << usage << "\n" << options;
    return false;
  }
  if (parsed.vars.count("positional"))
    parsed.positional = parsed.vars["positional"].as<std::vector<std::string>>();
  return true;
}

void PrintParams(const std::vector<ParamSpec>& params, const char* indent) {
  for (const auto& p : params) {
    std::printf("%s%-12s %-8s default %-18s %s; %s\n", indent, p.name.c_str(),
                std::string(TypeName(p.type)).c_str(), FormatValue(p.default_value).c_str(),
                p.DescribeType().c_str(), p.help.c_str());
  }
}

// Every family's entries as JSON, for the plot and report scripts (labels,
// descriptions, which CSV columns are parameters).
void PrintJson() {
  nlohmann::ordered_json families = nlohmann::ordered_json::object();
  for (const RegistryBase* registry : AllRegistries()) {
    auto entries = nlohmann::ordered_json::array();
    for (const auto& entry : registry->Describe()) {
      auto params = nlohmann::ordered_json::array();
      for (const auto& p : entry.params)
        params.push_back({{"name", p.name}, {"help", p.help}});
      entries.push_back(
          {{"name", entry.name}, {"description", entry.description}, {"params", params}});
    }
    families[std::string(registry->Family())] = entries;
  }
  std::printf("%s\n", families.dump(1).c_str());
}

int List(const std::vector<std::string>& args) {
  po::options_description options("list options");
  options.add_options()("names", po::value<std::string>(),
                        "print only the names in one family (e.g. experiment)")(
      "json", po::bool_switch(), "every family's names, descriptions and parameters as JSON");
  Parsed parsed;
  if (!Parse(args,
             "usage: expertlab list [--names FAMILY | --json]\n\nLists "
             "experiments and every algorithm family with parameter "
             "tables.",
             options, parsed))
    return 0;
  if (parsed.vars["json"].as<bool>()) {
    PrintJson();
    return 0;
  }
  const bool names_only = parsed.vars.count("names") > 0;
  bool found = false;
  for (const RegistryBase* registry : AllRegistries()) {
    if (names_only) {
      if (registry->Family() != parsed.vars["names"].as<std::string>()) continue;
      found = true;
      for (const auto& entry : registry->Describe()) std::printf("%s\n", entry.name.c_str());
      continue;
    }
    std::printf("== %s ==\n", std::string(registry->Family()).c_str());
    for (const auto& entry : registry->Describe()) {
      // Timing experiments are flagged: their values are measurements.
      const bool measured = registry->Family() == Experiment::kFamily &&
                            FindExperiment(entry.name).factory(Params())->Measured();
      std::printf("  %s: %s%s\n", entry.name.c_str(), entry.description.c_str(),
                  measured ? " [measured]" : "");
      PrintParams(entry.params, "      ");
    }
  }
  EXPERTLAB_CHECK(!names_only || found)
      << "no family '" << parsed.vars["names"].as<std::string>() << "' (see expertlab list)";
  return 0;
}

int Run(const std::vector<std::string>& args) {
  po::options_description options("run options");
  options.add_options()("config", po::value<std::string>(),
                        "TOML config file (default: the "
                        "experiment's embedded full config)")("quick", po::bool_switch(),
                                                              "use the embedded quick config")(
      "reps", po::value<std::string>(), "replicates per cell (as reps=N)")(
      "threads", po::value<int>()->default_value(0),
      ("worker threads: 0 = every hardware thread, at most " + std::to_string(kMaxThreads))
          .c_str())("shard", po::value<std::string>(),
                    "run shard i/N only (default: "
                    "SLURM_ARRAY_TASK_ID/COUNT when set)")(
      "mpi", po::bool_switch(), "distribute over MPI ranks (under mpirun)")(
      "out", po::value<std::string>(),
      "results directory (default "
      "results/<experiment>)")("quiet", po::bool_switch(), "no progress lines");
  Parsed parsed;
  if (!Parse(args,
             "usage: expertlab run <experiment> [key=value | key=a,b,c ...] "
             "[options]\n\nRuns every (cell, replicate) of the sweep not yet "
             "stored in the results directory; rerunning resumes.",
             options, parsed))
    return 0;
  EXPERTLAB_CHECK(!parsed.positional.empty())
      << "run needs an experiment name (see expertlab list)";
  RunRequest request;
  request.experiment = parsed.positional.front();
  FindExperiment(request.experiment);  // unknown name -> clear error first
  request.assignments.assign(parsed.positional.begin() + 1, parsed.positional.end());
  const auto& v = parsed.vars;
  if (v.count("config")) request.config_file = v["config"].as<std::string>();
  request.quick = v["quick"].as<bool>();
  EXPERTLAB_CHECK(!(request.quick && !request.config_file.empty()))
      << "give either --quick or --config, not both";
  CheckOverrideKeys(request.assignments);
  if (v.count("reps")) request.reps = ParseReps(v["reps"].as<std::string>(), "--reps");
  request.threads = v["threads"].as<int>();
  EXPERTLAB_CHECK(request.threads >= 0 && request.threads <= kMaxThreads)
      << "bad --threads " << request.threads << ": expected 0 (every hardware thread) to "
      << kMaxThreads;
  if (v.count("shard")) request.shard = v["shard"].as<std::string>();
  request.mpi = v["mpi"].as<bool>();
  EXPERTLAB_CHECK(!(request.mpi && request.shard)) << "give either --mpi or --shard, not both";
  // Fail before planning (which creates --out).
  if (request.shard)
    ParseShard(*request.shard);
  else if (!request.mpi)
    ShardFromSlurmEnvironment();
  if (v.count("out")) {
    request.out_dir = v["out"].as<std::string>();
    EXPERTLAB_CHECK(!request.out_dir.empty())
        << "--out is empty; expected a directory (default results/" << request.experiment << ")";
  }
  request.quiet = v["quiet"].as<bool>();
  if (request.mpi) {
    RunMpi(request);
  } else {
    RunLocal(request, PlanSweep(request));
  }
  return 0;
}

int DirectoryCommand(const std::vector<std::string>& args, bool merge) {
  Parsed parsed;
  const std::string usage = merge ? "usage: expertlab merge <dir>\n\nMerges <dir>/shards/*.db into "
                                    "<dir>/store.db (checking for conflicts), then exports CSV."
                                  : "usage: expertlab export <dir>\n\nWrites "
                                    "<dir>/<experiment>.csv (tidy) from <dir>/store.db.";
  if (!Parse(args, usage, po::options_description("options"), parsed)) return 0;
  EXPERTLAB_CHECK(parsed.positional.size() == 1)
      << (merge ? "merge" : "export") << " needs exactly one directory";
  const auto csv = merge ? MergeShards(parsed.positional[0]) : ExportCsv(parsed.positional[0]);
  std::printf("%s\n", csv.c_str());
  return 0;
}

// Plots and the report are Python (matplotlib) scripts under plots/.
int Python(const std::string& script, std::vector<std::string> script_args) {
  const char* home = std::getenv("EXPERTLAB_HOME");
  const std::filesystem::path root = home ? home : GetBuildInfo().source_dir;
  const auto path = root / "plots" / script;
  EXPERTLAB_CHECK(std::filesystem::exists(path)) << "no plot script '" << path.string() << "'";
  // Debian's interpreter has the apt-installed matplotlib and numpy.
  const char* python = std::getenv("EXPERTLAB_PYTHON");
  std::vector<std::string> argv_text = {python ? python : "/usr/bin/python3", path.string()};
  argv_text.insert(argv_text.end(), script_args.begin(), script_args.end());
  std::vector<char*> argv;
  for (auto& a : argv_text) argv.push_back(a.data());
  // The scripts ask this binary for its registries (`list --json`): labels
  // and descriptions of the algorithms in the results.
  setenv("EXPERTLAB_BINARY", std::filesystem::canonical("/proc/self/exe").c_str(), 1);
  argv.push_back(nullptr);
  std::fflush(stdout);
  execv(argv[0], argv.data());
  throw Error("cannot start '" + argv_text[0] + "'");
}

// Both Python commands take --results and nothing else: a results root
// (DIR/<experiment>/<experiment>.csv, the default `results`) or one sweep's
// directory (DIR/<experiment>.csv, as `run --out DIR` writes it). Figures
// and the report go beside them, in DIR/figures and DIR/REPORT.md.
bool ParseResultsCommand(const std::vector<std::string>& args, const std::string& usage,
                         Parsed& parsed, std::string& results) {
  po::options_description options("options");
  options.add_options()("results", po::value<std::string>(&results)->default_value("results"),
                        "a results root (DIR/<experiment>/) or a sweep directory "
                        "(DIR/<experiment>.csv, from run --out DIR)");
  const bool go_on = Parse(args, usage, options, parsed);
  EXPERTLAB_CHECK(!results.empty()) << "--results is empty; expected a directory";
  return go_on;
}

int Plot(const std::vector<std::string>& args) {
  Parsed parsed;
  std::string results;
  if (!ParseResultsCommand(args,
                           "usage: expertlab plot <experiment> [--results DIR]\n\n"
                           "Draws DIR/figures/<experiment>.png (+ .pdf) from the "
                           "exported CSV, DIR/<experiment>.csv or "
                           "DIR/<experiment>/<experiment>.csv.",
                           parsed, results))
    return 0;
  EXPERTLAB_CHECK(parsed.positional.size() == 1) << "plot needs exactly one experiment name";
  const std::string& name = parsed.positional[0];
  FindExperiment(name);
  return Python("plot.py", {name, results});
}

int Report(const std::vector<std::string>& args) {
  Parsed parsed;
  std::string results;
  if (!ParseResultsCommand(args,
                           "usage: expertlab report [--results DIR]\n\nWrites "
                           "DIR/REPORT.md: each experiment's headline "
                           "numbers beside the paper's and theory's, with "
                           "figure links.",
                           parsed, results))
    return 0;
  EXPERTLAB_CHECK(parsed.positional.empty())
      << "report takes no arguments; give the results directory as --results DIR";
  return Python("report.py", {results});
}

// Out-of-memory failures name their cause: std::bad_alloc from anywhere,
// and threads the system cannot start (EAGAIN from std::thread or TBB).
std::string DescribeFailure(const std::exception& e) {
  const std::string what = e.what();
  const bool no_memory = dynamic_cast<const std::bad_alloc*>(&e) != nullptr ||
                         what.find("std::bad_alloc") != std::string::npos;
  const bool no_thread = what.find("Resource temporarily unavailable") != std::string::npos;
  if (!no_memory && !no_thread) return what;
  return std::string(no_memory ? "out of memory"
                               : "cannot start a thread (out of memory or "
                                 "over the process limit)") +
         " (" + what +
         "); items already stored are kept: rerun with fewer --threads or more "
         "memory to resume";
}

}  // namespace

int RunCli(const std::vector<std::string>& args) {
  try {
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
      std::cout << kUsage;
      return args.empty() ? 2 : 0;
    }
    const std::string& command = args[0];
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    if (command == "list") return List(rest);
    if (command == "run") return Run(rest);
    if (command == "merge") return DirectoryCommand(rest, true);
    if (command == "export") return DirectoryCommand(rest, false);
    if (command == "plot") return Plot(rest);
    if (command == "report") return Report(rest);
    throw Error("unknown command '" + command +
                "'; expected one of {list, run, merge, export, plot, report}");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "expertlab: error: %s\n", DescribeFailure(e).c_str());
    return 1;
  }
}

}  // namespace expertlab
