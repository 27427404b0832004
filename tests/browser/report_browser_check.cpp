// Opens a report in headless Chromium from a file:// URL and checks it as a reader would see it. The page must
// load with no script error, console error or network request. Every expected element and series must be in the
// DOM and drawn, and each chart's area in a full-page screenshot must contain coloured pixels (it is not blank).
// The screenshot is kept as a test artifact.
//
// Usage: report_browser_check --chromium PATH --report FILE --screenshot PNG [--max-bytes N]
//                             [--expect SELECTOR]... [--series SELECTOR]... [--chart SELECTOR]...
//                             [--hover SELECTOR]...
//   --expect  at least one element matches the CSS selector
//   --series  a matching SVG element has a non-empty bounding box
//   --chart   the element's chart SVG is on screen and its pixels are not blank
//   --hover   moving the mouse over the element shows the report's tooltip with some text
//   --expect-failure TEXT  inverts the result: pass only when some failure message contains TEXT (repeatable).
//                          The checker's own test uses it on a page that is broken on purpose.
// Exit status 0 when every check passes, 1 when one fails, 2 for bad arguments.
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "devtools_pipe.hpp"
#include "png_image.hpp"

namespace fs = std::filesystem;
using json = nlohmann::json;
using mixsim::browser::DevToolsPipe;

namespace {

// The flags that make Debian's Chromium run headless in a container and keep it off the network: no sandbox
// (the tests run as root), no GPU, and no background requests to Google's services.
const std::vector<std::string> kChromiumFlags = {
    "--headless",       "--no-sandbox",      "--disable-gpu",           "--no-first-run",
    "--disable-sync",   "--disable-background-networking", "--disable-component-update",
    "--disable-default-apps", "--disable-extensions", "--mute-audio"};
constexpr int kViewportWidth = 1280;
constexpr int kViewportHeight = 1000;
// A chart is blank unless this many of its pixels carry a palette colour. Frames, grid lines and labels are grey
// or black, so an empty chart has none. The sparsest drawn chart in these tests (two interval bars) has about 200.
constexpr int64_t kMinColoredPixels = 50;

struct Options {
  std::string chromium;
  fs::path report;
  fs::path screenshot;
  int64_t max_bytes = 0;
  std::vector<std::string> expect;
  std::vector<std::string> series;
  std::vector<std::string> charts;
  std::vector<std::string> hovers;
  std::vector<std::string> expected_failures;
};

std::vector<std::string> failures;

void fail(const std::string& message) {
  std::cerr << "FAILED: " << message << "\n";
  failures.push_back(message);
}

Options parse_arguments(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) {
      throw std::invalid_argument(flag + " needs a value");
    }
    const std::string value = argv[++i];
    if (flag == "--chromium") {
      options.chromium = value;
    } else if (flag == "--report") {
      options.report = fs::absolute(value);
    } else if (flag == "--screenshot") {
      options.screenshot = value;
    } else if (flag == "--max-bytes") {
      options.max_bytes = std::stoll(value);
    } else if (flag == "--expect") {
      options.expect.push_back(value);
    } else if (flag == "--series") {
      options.series.push_back(value);
    } else if (flag == "--chart") {
      options.charts.push_back(value);
    } else if (flag == "--hover") {
      options.hovers.push_back(value);
    } else if (flag == "--expect-failure") {
      options.expected_failures.push_back(value);
    } else {
      throw std::invalid_argument("unknown option " + flag);
    }
  }
  if (options.chromium.empty() || options.report.empty() || options.screenshot.empty()) {
    throw std::invalid_argument("--chromium, --report and --screenshot are required");
  }
  return options;
}

std::string file_url(const fs::path& path) {
  std::string url = "file://";
  for (unsigned char c : path.string()) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
      url += static_cast<char>(c);
    } else {
      url += fmt::format("%{:02X}", c);
    }
  }
  return url;
}

// Records what the page must never do: throw, log an error, or ask for anything but its own file.
class PageWatch {
 public:
  explicit PageWatch(std::string own_url) : own_url_(std::move(own_url)) {}

  void on_event(const json& message) {
    const std::string method = message.value("method", "");
    const json params = message.value("params", json::object());
    if (method == "Runtime.exceptionThrown") {
      const json& details = params["exceptionDetails"];
      fail("uncaught script error: " + details.value("text", std::string()) + " " +
           details.value("exception", json::object()).value("description", std::string()));
    } else if (method == "Runtime.consoleAPICalled") {
      const std::string type = params.value("type", "");
      if (type == "error" || type == "assert") {
        fail("console." + type + ": " + params.value("args", json::array()).dump());
      }
    } else if (method == "Log.entryAdded") {
      const json& entry = params["entry"];
      if (entry.value("level", "") == "error") {
        fail("browser log error: " + entry.value("text", std::string()) + " " + entry.value("url", std::string()));
      }
    } else if (method == "Network.requestWillBeSent") {
      const std::string url = params["request"].value("url", std::string());
      if (url != own_url_ && url.rfind("data:", 0) != 0) {
        fail("the page requested " + url + "; a report must need nothing but its own file");
      }
    }
  }

 private:
  std::string own_url_;
};

json evaluate(DevToolsPipe& browser, const std::string& session, const std::string& expression) {
  const json result = browser.call(
      "Runtime.evaluate", {{"expression", expression}, {"returnByValue", true}, {"awaitPromise", true}}, session);
  if (result.contains("exceptionDetails")) {
    throw std::runtime_error("evaluating '" + expression + "' threw " + result["exceptionDetails"].dump());
  }
  return result["result"].value("value", json());
}

std::string open_page(DevToolsPipe& browser) {
  const std::string target = browser.call("Target.createTarget", {{"url", "about:blank"}})["targetId"];
  const std::string session =
      browser.call("Target.attachToTarget", {{"targetId", target}, {"flatten", true}})["sessionId"];
  for (const char* domain : {"Runtime.enable", "Log.enable", "Page.enable", "Network.enable"}) {
    browser.call(domain, json::object(), session);
  }
  browser.call("Emulation.setDeviceMetricsOverride",
               {{"width", kViewportWidth}, {"height", kViewportHeight}, {"deviceScaleFactor", 1}, {"mobile", false}},
               session);
  return session;
}

void check_dom(DevToolsPipe& browser, const std::string& session, const Options& options) {
  for (const std::string& selector : options.expect) {
    const int count = evaluate(browser, session,
                               fmt::format("document.querySelectorAll({}).length", json(selector).dump()));
    if (count == 0) {
      fail("no element matches " + selector);
    }
  }
  for (const std::string& selector : options.series) {
    const std::string state = evaluate(
        browser, session,
        fmt::format("(() => {{ const list = document.querySelectorAll({}); if (list.length === 0) return 'missing';"
                    " for (const e of list) {{ const b = e.getBBox ? e.getBBox() : e.getBoundingClientRect();"
                    " if (b.width > 0 || b.height > 0) return 'drawn'; }} return 'empty'; }})()",
                    json(selector).dump()));
    if (state != "drawn") {
      fail("series " + selector + " is " + state);
    }
  }
}

void check_charts(DevToolsPipe& browser, const std::string& session, const Options& options,
                  const mixsim::browser::RgbImage& image) {
  for (const std::string& selector : options.charts) {
    const json rect = evaluate(
        browser, session,
        fmt::format("(() => {{ const e = document.querySelector({}); if (!e) return null;"
                    " const s = e.querySelector(':scope > svg') || e; const r = s.getBoundingClientRect();"
                    " return [r.left + window.scrollX, r.top + window.scrollY, r.width, r.height]; }})()",
                    json(selector).dump()));
    if (rect.is_null()) {
      fail("no chart matches " + selector);
      continue;
    }
    const auto statistics = mixsim::browser::measure_region(image, rect[0].get<int>(), rect[1].get<int>(),
                                                            rect[2].get<int>(), rect[3].get<int>());
    const auto colored = static_cast<int64_t>(std::llround(statistics.colored_fraction * statistics.pixels));
    std::cout << fmt::format("chart {}: {}x{} px, luminance sd {:.1f}, {} coloured pixels ({:.2f} %)\n", selector,
                             rect[2].get<int>(), rect[3].get<int>(), statistics.luminance_sd, colored,
                             statistics.colored_fraction * 100);
    if (colored < kMinColoredPixels) {
      fail(fmt::format("chart {} looks blank: {} coloured pixels (at least {} expected)", selector, colored,
                       kMinColoredPixels));
    }
  }
}

// Moves the mouse over each element, as a reader would, and checks that the tooltip shows its detail.
void check_hovers(DevToolsPipe& browser, const std::string& session, const Options& options) {
  for (const std::string& selector : options.hovers) {
    const json center = evaluate(
        browser, session,
        fmt::format("(() => {{ const e = document.querySelector({}); if (!e) return null;"
                    " e.scrollIntoView({{block: 'center'}}); const r = e.getBoundingClientRect();"
                    " return [r.left + r.width / 2, r.top + r.height / 2]; }})()",
                    json(selector).dump()));
    if (center.is_null()) {
      fail("nothing to hover over: no element matches " + selector);
      continue;
    }
    browser.call("Input.dispatchMouseEvent", {{"type", "mouseMoved"}, {"x", center[0]}, {"y", center[1]}}, session);
    const std::string text = evaluate(browser, session,
                                      "(() => { const t = document.getElementById('tooltip');"
                                      " return t && t.style.display === 'block' ? t.textContent : ''; })()");
    // An element with its own detail (a marker, a run) must show exactly that detail, not a neighbour's.
    const json own_detail =
        evaluate(browser, session,
                 fmt::format("document.querySelector({}).dataset.tip || null", json(selector).dump()));
    if (text.empty()) {
      fail("hovering over " + selector + " shows no detail");
    } else if (own_detail.is_string() && own_detail.get<std::string>() != text) {
      fail("hovering over " + selector + " shows another element's detail: " + text.substr(0, text.find('\n')));
    } else {
      std::cout << "hover " << selector << ": " << text.substr(0, text.find('\n')) << "\n";
    }
  }
  // Leave the page as it loaded for the screenshot: pointer in the corner, tooltip hidden, scrolled to the top.
  browser.call("Input.dispatchMouseEvent", {{"type", "mouseMoved"}, {"x", 0}, {"y", 0}}, session);
  evaluate(browser, session, "window.scrollTo(0, 0); 1");
}

mixsim::browser::RgbImage take_screenshot(DevToolsPipe& browser, const std::string& session, const fs::path& path) {
  const json metrics = browser.call("Page.getLayoutMetrics", json::object(), session);
  const json& size = metrics.contains("cssContentSize") ? metrics["cssContentSize"] : metrics["contentSize"];
  const json clip = {{"x", 0}, {"y", 0}, {"width", size["width"]}, {"height", size["height"]}, {"scale", 1}};
  const json shot = browser.call("Page.captureScreenshot",
                                 {{"format", "png"}, {"captureBeyondViewport", true}, {"clip", clip}}, session);
  const std::string png = mixsim::browser::decode_base64(shot["data"].get<std::string>());
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << png;
  auto image = mixsim::browser::decode_png(png);
  std::cout << fmt::format("screenshot {}: {}x{} px\n", path.string(), image.width, image.height);
  return image;
}

void check_report(const Options& options) {
  const std::string url = file_url(options.report);
  const fs::path profile = fs::temp_directory_path() / fmt::format("mixsim-chromium-{}", ::getpid());
  fs::remove_all(profile);
  fs::create_directories(profile);
  // Declared before the browser, so the profile goes after the browser has exited, on every path out.
  const std::unique_ptr<const fs::path, void (*)(const fs::path*)> remove_profile(&profile, [](const fs::path* dir) {
    std::error_code error;
    fs::remove_all(*dir, error);
  });
  std::vector<std::string> arguments = kChromiumFlags;
  arguments.push_back("--user-data-dir=" + profile.string());
  arguments.push_back("about:blank");
  const fs::path log = fs::path(options.screenshot).replace_extension(".chromium.log");
  fs::create_directories(log.parent_path());

  DevToolsPipe browser(options.chromium, arguments, log.string());
  PageWatch watch(url);
  browser.set_event_handler([&watch](const json& message) { watch.on_event(message); });
  const std::string session = open_page(browser);

  const auto started = std::chrono::steady_clock::now();
  browser.call("Page.navigate", {{"url", url}}, session);
  browser.wait_for_event("Page.loadEventFired");
  // Two animation frames: the page has run its script and painted once before it is measured.
  evaluate(browser, session, "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(1))))");
  const auto loaded_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  std::cout << fmt::format("loaded {} ({} bytes) and painted in {} ms\n", url, fs::file_size(options.report),
                           loaded_ms);

  check_dom(browser, session, options);
  // Hover first: a full-page capture resizes the view for a moment, after which synthetic mouse events may miss.
  check_hovers(browser, session, options);
  const auto image = take_screenshot(browser, session, options.screenshot);
  check_charts(browser, session, options, image);
  const int status = browser.close();
  if (status != 0) {
    fail(fmt::format("Chromium exited with status {}; see {}", status, log.string()));
  }
}

bool expected_failures_found(const std::vector<std::string>& expected) {
  bool all_found = true;
  for (const std::string& text : expected) {
    bool found = false;
    for (const std::string& message : failures) {
      found = found || message.find(text) != std::string::npos;
    }
    std::cout << (found ? "ok: the checker reported " : "MISSED: the checker did not report ") << text << "\n";
    all_found = all_found && found;
  }
  return all_found;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  try {
    options = parse_arguments(argc, argv);
  } catch (const std::exception& error) {
    std::cerr << "report_browser_check: " << error.what() << "\n";
    return 2;
  }
  if (!fs::exists(options.chromium)) {
    std::cerr << "FAILED: Chromium not found at " << options.chromium << "; install it with scripts/setup\n";
    return 1;
  }
  if (!fs::exists(options.report)) {
    std::cerr << "FAILED: " << options.report.string() << " was not written\n";
    return 1;
  }
  if (options.max_bytes > 0 && static_cast<int64_t>(fs::file_size(options.report)) > options.max_bytes) {
    fail(fmt::format("{} has {} bytes, more than the {} allowed", options.report.string(),
                     fs::file_size(options.report), options.max_bytes));
  }
  try {
    check_report(options);
  } catch (const std::exception& error) {
    fail(error.what());
  }
  if (!options.expected_failures.empty()) {
    return expected_failures_found(options.expected_failures) ? 0 : 1;
  }
  if (!failures.empty()) {
    std::cerr << failures.size() << " check(s) failed for " << options.report.string() << "\n";
    return 1;
  }
  std::cout << "ok: " << options.report.string() << "\n";
  return 0;
}
