// Shared helpers of the command parser tests: each asserts the kind of result it unwraps.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>

#include "handlers/command_parser.h"

namespace groupdesk::handlers::command_test {

inline Command command(std::string_view text,
                       std::optional<std::string_view> quoted = std::nullopt) {
    const ParsedCommand parsed = parse_command(text, quoted);
    const auto* cmd = std::get_if<Command>(&parsed);
    EXPECT_NE(cmd, nullptr) << "not a command: " << text;
    return cmd ? *cmd : Command{};
}

inline CommandError error(std::string_view text,
                          std::optional<std::string_view> quoted = std::nullopt) {
    const ParsedCommand parsed = parse_command(text, quoted);
    const auto* err = std::get_if<CommandError>(&parsed);
    EXPECT_NE(err, nullptr) << "not an error: " << text;
    return err ? *err : CommandError{Language::Zh, "<none>"};
}

inline bool not_a_command(std::string_view text) {
    return std::holds_alternative<NotACommand>(parse_command(text));
}

inline std::optional<DidYouMean> did_you_mean(std::string_view text) {
    const ParsedCommand parsed = parse_command(text);
    if (const auto* d = std::get_if<DidYouMean>(&parsed)) return *d;
    return std::nullopt;
}

inline std::string repeat(std::string_view s, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += s;
    return out;
}

}  // namespace groupdesk::handlers::command_test
