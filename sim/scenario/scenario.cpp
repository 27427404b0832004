#include "mixsim/scenario.hpp"

namespace mixsim {

const char* to_string(Priority priority) { return priority == Priority::Regular ? "Regular" : "Spot"; }

const char* to_string(EvictionPolicy policy) { return policy == EvictionPolicy::Delete ? "Delete" : "Deallocate"; }

const char* to_string(AllocationStrategy strategy) {
  switch (strategy) {
    case AllocationStrategy::LowestPrice:
      return "LowestPrice";
    case AllocationStrategy::CapacityOptimized:
      return "CapacityOptimized";
    case AllocationStrategy::Prioritized:
      return "Prioritized";
  }
  return "?";
}

const char* to_string(ScaleInRule rule) {
  switch (rule) {
    case ScaleInRule::Default:
      return "Default";
    case ScaleInRule::OldestVM:
      return "OldestVM";
    case ScaleInRule::NewestVM:
      return "NewestVM";
  }
  return "?";
}

const char* to_string(PlatformRules rules) { return rules == PlatformRules::Preview ? "preview" : "ga"; }

const char* to_string(MetricStatistic statistic) {
  switch (statistic) {
    case MetricStatistic::Average:
      return "Average";
    case MetricStatistic::Min:
      return "Min";
    case MetricStatistic::Max:
      return "Max";
    case MetricStatistic::Sum:
      return "Sum";
    case MetricStatistic::Count:
      return "Count";
  }
  return "?";
}

const char* to_string(TimeAggregation aggregation) {
  switch (aggregation) {
    case TimeAggregation::Average:
      return "Average";
    case TimeAggregation::Minimum:
      return "Minimum";
    case TimeAggregation::Maximum:
      return "Maximum";
    case TimeAggregation::Total:
      return "Total";
    case TimeAggregation::Count:
      return "Count";
    case TimeAggregation::Last:
      return "Last";
  }
  return "?";
}

const char* to_string(ComparisonOperator op) {
  switch (op) {
    case ComparisonOperator::Equals:
      return "==";
    case ComparisonOperator::NotEquals:
      return "!=";
    case ComparisonOperator::GreaterThan:
      return ">";
    case ComparisonOperator::GreaterThanOrEqual:
      return ">=";
    case ComparisonOperator::LessThan:
      return "<";
    case ComparisonOperator::LessThanOrEqual:
      return "<=";
  }
  return "?";
}

const char* to_string(ScaleDirection direction) {
  switch (direction) {
    case ScaleDirection::None:
      return "None";
    case ScaleDirection::Increase:
      return "Increase";
    case ScaleDirection::Decrease:
      return "Decrease";
  }
  return "?";
}

const char* to_string(ScaleType type) {
  switch (type) {
    case ScaleType::ChangeCount:
      return "ChangeCount";
    case ScaleType::PercentChangeCount:
      return "PercentChangeCount";
    case ScaleType::ExactCount:
      return "ExactCount";
  }
  return "?";
}

}  // namespace mixsim
