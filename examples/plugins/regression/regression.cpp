// The regression example plugin's actions (see regression.hpp).
#include "regression.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <numeric>
#include <random>
#include <sstream>
#include <system_error>

#include <unistd.h>

namespace regression {
namespace {

namespace fs = std::filesystem;

struct table {
    std::string header;
    std::vector<std::vector<double>> rows;  // features..., target
};

synapse::unexpected_type<synapse::error> io_failure(const std::string& what, const fs::path& p) {
    synapse::error e(synapse::errc::io_error, what + " '" + p.string() + "'");
    e.where = p.string();
    return synapse::fail(std::move(e));
}

bool parse_number(const std::string& text, double& out) {
    if (text.empty()) return false;
    char* end = nullptr;
    out = std::strtod(text.c_str(), &end);
    return end == text.c_str() + text.size() && std::isfinite(out);
}

/// Reads a numeric CSV; rows with a missing or non-numeric cell are counted in `dropped`.
synapse::expected<table> read_csv(const fs::path& path, int* dropped = nullptr) {
    std::ifstream in(path);
    if (!in) return io_failure("cannot read CSV", path);
    table t;
    if (!std::getline(in, t.header)) return io_failure("empty CSV", path);
    auto columns = static_cast<std::size_t>(std::count(t.header.begin(), t.header.end(), ',') + 1);
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        std::vector<double> row;
        std::stringstream cells(line);
        std::string cell;
        bool ok = true;
        while (std::getline(cells, cell, ',')) {
            double v = 0;
            ok = ok && parse_number(cell, v);
            row.push_back(v);
        }
        if (!line.empty() && line.back() == ',') ok = false;  // trailing empty cell
        if (ok && row.size() == columns)
            t.rows.push_back(std::move(row));
        else if (dropped)
            ++*dropped;
    }
    return t;
}

synapse::expected<void> write_csv(const fs::path& path, const std::string& header,
                                  const std::vector<std::vector<double>>& rows) {
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    std::ofstream out(path);
    if (!out) return io_failure("cannot write CSV", path);
    out << header << '\n';
    for (const auto& row : rows) {
        for (std::size_t i = 0; i < row.size(); ++i) out << (i ? "," : "") << row[i];
        out << '\n';
    }
    if (!out) return io_failure("cannot write CSV", path);
    return {};
}

fs::path executable_dir() {
    std::error_code ec;
    auto exe = fs::read_symlink("/proc/self/exe", ec);
    return ec ? fs::current_path() : exe.parent_path();
}

double predict(const std::vector<double>& x, const std::vector<double>& mean,
               const std::vector<double>& scale, const std::vector<double>& w, double b) {
    double y = b;
    for (std::size_t j = 0; j < w.size(); ++j) y += w[j] * (x[j] - mean[j]) / scale[j];
    return y;
}

}  // namespace

synapse::expected<download_result> download::execute(const download_params& p,
                                                     synapse::context& ctx) {
    fs::path source = p.source.value_or(executable_dir() / "data" / "houses.csv");
    fs::path target = p.work_dir / "raw" / "houses.csv";
    std::error_code ec;
    fs::create_directories(target.parent_path(), ec);
    if (ec) return io_failure("cannot create directory", target.parent_path());
    fs::copy_file(source, target, fs::copy_options::overwrite_existing, ec);
    if (ec) return io_failure("cannot copy data set from", source);
    std::ifstream in(target);
    int lines = 0;
    for (std::string line; std::getline(in, line);) lines += line.empty() ? 0 : 1;
    download_result result{fs::absolute(target), std::max(0, lines - 1)};
    ctx.log("dataset_ready", {{"path", result.dataset_path.string()}, {"rows", result.rows}});
    return result;
}

synapse::expected<convert_result> convert::execute(const convert_params& p, synapse::context& ctx) {
    int dropped = 0;
    auto data = read_csv(p.dataset_path, &dropped);
    if (!data) return synapse::fail(std::move(data).error());
    auto rows = std::move(data->rows);
    if (rows.size() < 4) {
        synapse::error e(synapse::errc::invalid_argument,
                         "data set has " + std::to_string(rows.size()) +
                             " usable rows; at least 4 are needed to split it");
        e.where = p.dataset_path.string();
        return synapse::fail(std::move(e));
    }
    std::mt19937 rng(static_cast<std::mt19937::result_type>(p.seed));
    std::shuffle(rows.begin(), rows.end(), rng);
    auto n_test = std::max<std::size_t>(
        1,
        static_cast<std::size_t>(std::lround(p.test_fraction * static_cast<double>(rows.size()))));
    std::vector<std::vector<double>> test(rows.begin(), rows.begin() + static_cast<long>(n_test));
    std::vector<std::vector<double>> train(rows.begin() + static_cast<long>(n_test), rows.end());

    convert_result result;
    result.train_path = fs::absolute(p.work_dir / "converted" / "train.csv");
    result.test_path = fs::absolute(p.work_dir / "converted" / "test.csv");
    if (auto w = write_csv(result.train_path, data->header, train); !w)
        return synapse::fail(w.error());
    if (auto w = write_csv(result.test_path, data->header, test); !w)
        return synapse::fail(w.error());
    result.train_rows = static_cast<int>(train.size());
    result.test_rows = static_cast<int>(test.size());
    result.dropped_rows = dropped;
    ctx.log("split", {{"train_rows", result.train_rows},
                      {"test_rows", result.test_rows},
                      {"dropped_rows", dropped}});
    return result;
}

synapse::expected<train_result> train::execute(const train_params& p, synapse::context& ctx) {
    auto data = read_csv(p.train_path);
    if (!data) return synapse::fail(std::move(data).error());
    const auto& rows = data->rows;
    if (rows.empty()) return io_failure("no usable rows in", p.train_path);
    const std::size_t features = rows.front().size() - 1;
    const double n = static_cast<double>(rows.size());

    // Standardise features so that one learning rate suits them all.
    std::vector<double> mean(features, 0.0), scale(features, 0.0);
    for (const auto& r : rows)
        for (std::size_t j = 0; j < features; ++j) mean[j] += r[j] / n;
    for (const auto& r : rows)
        for (std::size_t j = 0; j < features; ++j)
            scale[j] += (r[j] - mean[j]) * (r[j] - mean[j]) / n;
    for (auto& s : scale) s = s > 0 ? std::sqrt(s) : 1.0;

    std::vector<double> w(features, 0.0), grad(features);
    double b = 0, loss = 0;
    for (int epoch = 1; epoch <= p.epochs; ++epoch) {
        std::fill(grad.begin(), grad.end(), 0.0);
        double grad_b = 0;
        loss = 0;
        for (const auto& r : rows) {
            double err = predict(r, mean, scale, w, b) - r[features];
            loss += err * err / n;
            grad_b += 2 * err / n;
            for (std::size_t j = 0; j < features; ++j)
                grad[j] += 2 * err * (r[j] - mean[j]) / scale[j] / n;
        }
        for (std::size_t j = 0; j < features; ++j) w[j] -= p.learning_rate * grad[j];
        b -= p.learning_rate * grad_b;
        if (auto ok = ctx.set_progress(epoch, p.epochs, "train"); !ok)
            return synapse::fail(ok.error());
        if (auto ok = ctx.set_metrics({{"epoch", epoch}, {"loss", loss}}, "train"); !ok)
            return synapse::fail(ok.error());
    }

    train_result result{fs::absolute(p.work_dir / "model" / "model.json"), loss, p.epochs};
    std::error_code ec;
    fs::create_directories(result.model_path.parent_path(), ec);
    std::ofstream out(result.model_path);
    out << synapse::json{
        {"header", data->header},
        {"mean", mean},
        {"scale", scale},
        {"weights", w},
        {"bias",
         b}}.dump(2);
    if (!out) return io_failure("cannot write model", result.model_path);
    return result;
}

synapse::expected<evaluate_result> evaluate::execute(const evaluate_params& p,
                                                     synapse::context& ctx) {
    std::error_code ec;
    const auto written = std::filesystem::last_write_time(p.model_path, ec);
    if (ec) return io_failure("cannot read model", p.model_path);
    auto cached = models_.find(p.model_path);
    const bool reuse = cached != models_.end() && cached->second.written == written;
    if (!reuse) {
        std::ifstream in(p.model_path);
        if (!in) return io_failure("cannot read model", p.model_path);
        std::stringstream text;
        text << in.rdbuf();
        auto file = synapse::parse_json(text.str(), p.model_path.string());
        if (!file) return synapse::fail(std::move(file).error());
        linear_model loaded;
        try {
            loaded.mean = file->at("mean").get<std::vector<double>>();
            loaded.scale = file->at("scale").get<std::vector<double>>();
            loaded.weights = file->at("weights").get<std::vector<double>>();
            loaded.bias = file->at("bias").get<double>();
        } catch (const std::exception& ex) {
            synapse::error e(synapse::errc::invalid_argument,
                             std::string("model file is malformed: ") + ex.what());
            e.where = p.model_path.string();
            return synapse::fail(std::move(e));
        }
        cached =
            models_.insert_or_assign(p.model_path, cached_model{written, std::move(loaded)}).first;
    }
    ctx.log("model_ready", {{"path", p.model_path.string()}, {"cached", reuse}});
    const auto& [mean, scale, w, b] = cached->second.model;
    auto data = read_csv(p.test_path);
    if (!data) return synapse::fail(std::move(data).error());
    const auto& rows = data->rows;
    if (rows.empty() || rows.front().size() != w.size() + 1)
        return io_failure("test data does not match the model's features:", p.test_path);
    double sse = 0, mean_y = 0;
    for (const auto& r : rows) mean_y += r.back() / static_cast<double>(rows.size());
    double sst = 0;
    for (const auto& r : rows) {
        double err = predict(r, mean, scale, w, b) - r.back();
        sse += err * err;
        sst += (r.back() - mean_y) * (r.back() - mean_y);
    }
    evaluate_result result;
    result.rows = static_cast<int>(rows.size());
    result.mse = sse / static_cast<double>(rows.size());
    result.rmse = std::sqrt(result.mse);
    result.r2 = sst > 0 ? 1.0 - sse / sst : 0.0;
    ctx.log("scored", {{"mse", result.mse}, {"r2", result.r2}});
    return result;
}

}  // namespace regression
