// Markers for what happened in a run: evictions, allocation failures, outages and capacity drops, autoscale
// actions. Events are binned per set, lane and group of pixel columns, so a year with millions of event rows
// still draws a few hundred markers per lane. Each marker's hover detail gives the counts behind it.
#pragma once

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "svg_chart.hpp"

namespace mixsim::report {

enum class MarkerLane { ScaleOut, ScaleIn, Eviction, AllocationFailure, Outage, Other };
inline constexpr size_t kMarkerLaneCount = 6;

/// The events of one lane that fall in one marker bin.
struct MarkerBin {
  int64_t events = 0;  // rows of events.csv (or capacity drops)
  int64_t vms = 0;     // the VMs they involve: the sum of events.csv's count column
  double first_s = 0;
  double last_s = 0;
  std::map<std::string, int64_t> breakdown;  // events by cause, reason, size or zone
  std::vector<std::string> examples;         // the first few events, described
};

/// The markers of one scale set.
struct SetMarkers {
  std::array<std::map<int, MarkerBin>, kMarkerLaneCount> lanes;  // bin index -> bin
  std::array<int64_t, kMarkerLaneCount> events = {};             // events per lane, all bins together
};

/// Marker bins across the plot width: one bin every few pixel columns, wide enough for a marker.
int marker_bin_count();

/// Reads events.csv and adds each row of the sets in `markers` to its lane and bin; rows of other sets are
/// checked but not kept. Throws ReportInputError on a bad header, a row with the wrong field count, a time or
/// count that is not a number, a time outside [0, duration_s], or a last row without its line break.
void read_event_markers(const std::filesystem::path& path, double duration_s,
                        std::map<std::string, SetMarkers>& markers);

/// Adds to the outage lane the drops of pool capacity for the sizes and zones `set` uses, taken from
/// summary.json's `parameters.pools` (step profiles) and `parameters.scriptedEvents` (setPool events).
void add_capacity_drops(const nlohmann::json& parameters, const nlohmann::json& set, double duration_s,
                        SetMarkers& markers);

/// Returns the lanes of markers as a chart aligned with the time charts above it.
std::string render_event_strip(const std::string& id, const std::string& title, const TimeAxis& axis,
                               const SetMarkers& markers);

}  // namespace mixsim::report
