#pragma once

#include <QString>

#include <utility>
#include <variant>

namespace keel::store {

// Why an operation failed. The admin API maps the kind to an HTTP status (404, 409, 400, 500).
struct Error
{
    enum Kind { NotFound, Conflict, Invalid, Database };

    Kind kind = Database;
    QString message;

    static Error notFound(const QString& m) { return {NotFound, m}; }
    static Error conflict(const QString& m) { return {Conflict, m}; }
    static Error invalid(const QString& m) { return {Invalid, m}; }
    static Error database(const QString& m) { return {Database, m}; }
};

// A value or an Error (std::expected is C++23; this is the small part of it we need).
template<class T>
class [[nodiscard]] Result
{
public:
    Result(T value) : m_v(std::in_place_index<0>, std::move(value)) {}
    Result(Error error) : m_v(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return m_v.index() == 0; }
    explicit operator bool() const { return ok(); }

    const T& value() const& { return std::get<0>(m_v); }
    T& value() & { return std::get<0>(m_v); }
    T&& value() && { return std::get<0>(std::move(m_v)); }
    const T& operator*() const& { return value(); }
    const T* operator->() const { return &value(); }

    const Error& error() const { return std::get<1>(m_v); }

private:
    std::variant<T, Error> m_v;
};

// Result<void>: success carries nothing.
template<>
class [[nodiscard]] Result<void>
{
public:
    Result() = default;
    Result(Error error) : m_failed(true), m_error(std::move(error)) {}

    bool ok() const { return !m_failed; }
    explicit operator bool() const { return ok(); }
    const Error& error() const { return m_error; }

private:
    bool m_failed = false;
    Error m_error;
};

// Keeps a result's value in `out` and passes its success or error on: for steps that run inside
// a larger transaction (Store::atomically) and hand their value back through a capture.
template<class T>
Result<void> into(T& out, Result<T> result)
{
    if (!result)
        return result.error();
    out = std::move(result).value();
    return {};
}

} // namespace keel::store
