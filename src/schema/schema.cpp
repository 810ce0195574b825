#include <rev/schema.hpp>

#include <algorithm>
#include <cctype>
#include <sstream>

namespace rev {

namespace {

// An attribute's value as messages show it; an empty one would be invisible.
std::string shown(const std::string& value) {
    return value.empty() ? "(none)" : value;
}

std::string attributes_text(const SchemaObject& object) {
    std::string text;
    for (const auto& [name, value] : object.attributes) {
        text += (text.empty() ? "" : ", ") + name + " " + shown(value);
    }
    return text;
}

const std::string k_no_attribute;

} // namespace

const char* kind_name(SchemaObject::Kind kind) {
    switch (kind) {
    case SchemaObject::Kind::type:
        return "type";
    case SchemaObject::Kind::sequence:
        return "sequence";
    case SchemaObject::Kind::table:
        return "table";
    case SchemaObject::Kind::column:
        return "column";
    case SchemaObject::Kind::constraint:
        return "constraint";
    case SchemaObject::Kind::index:
        return "index";
    case SchemaObject::Kind::view:
        return "view";
    case SchemaObject::Kind::materialized_view:
        return "materialized view";
    case SchemaObject::Kind::trigger:
        return "trigger";
    }
    return "object";
}

bool SchemaObject::is_table_part() const {
    return kind == Kind::column || kind == Kind::constraint || kind == Kind::index ||
           kind == Kind::trigger;
}

std::string SchemaObject::describe() const {
    std::string text = std::string(kind_name(kind)) + " " + name;
    if (!table.empty()) {
        text += " on " + table;
    }
    return text;
}

const std::string& SchemaObject::attribute(std::string_view attribute_name) const {
    const auto found = attributes.find(std::string(attribute_name));
    return found == attributes.end() ? k_no_attribute : found->second;
}

void SchemaSnapshot::normalise() {
    std::sort(objects.begin(), objects.end(),
              [](const SchemaObject& a, const SchemaObject& b) { return a.key() < b.key(); });
}

const SchemaObject* SchemaSnapshot::find(SchemaObject::Kind kind, std::string_view table,
                                         std::string_view name) const {
    const auto key = std::make_tuple(kind, std::string(table), std::string(name));
    const auto found = std::lower_bound(
        objects.begin(), objects.end(), key,
        [](const SchemaObject& object, const auto& wanted) { return object.key() < wanted; });
    return found != objects.end() && found->key() == key ? &*found : nullptr;
}

std::vector<std::string> SchemaSnapshot::names_of(SchemaObject::Kind kind) const {
    std::vector<std::string> names;
    for (const SchemaObject& object : objects) {
        if (object.kind == kind) {
            names.push_back(object.name);
        }
    }
    return names;
}

std::vector<SchemaChange> diff(const SchemaSnapshot& before, const SchemaSnapshot& after) {
    std::vector<SchemaChange> changes;
    auto old_it = before.objects.begin();
    auto new_it = after.objects.begin();
    // Both are sorted by key: one merge walk finds what each side alone has.
    while (old_it != before.objects.end() || new_it != after.objects.end()) {
        if (new_it == after.objects.end() ||
            (old_it != before.objects.end() && old_it->key() < new_it->key())) {
            changes.push_back({SchemaChange::Kind::removed, *old_it++, std::nullopt, {}});
        } else if (old_it == before.objects.end() || new_it->key() < old_it->key()) {
            changes.push_back({SchemaChange::Kind::added, std::nullopt, *new_it++, {}});
        } else {
            if (old_it->attributes != new_it->attributes) {
                SchemaChange change{SchemaChange::Kind::changed, *old_it, *new_it, {}};
                std::map<std::string, std::string> all = old_it->attributes;
                all.insert(new_it->attributes.begin(), new_it->attributes.end());
                for (const auto& [name, value] : all) {
                    if (old_it->attribute(name) != new_it->attribute(name)) {
                        change.changed_attributes.push_back(name);
                    }
                }
                changes.push_back(std::move(change));
            }
            ++old_it;
            ++new_it;
        }
    }
    return changes;
}

std::string describe_attribute_changes(const SchemaChange& change) {
    std::string text;
    for (const std::string& name : change.changed_attributes) {
        const std::string& was = change.before->attribute(name);
        const std::string& is = change.after->attribute(name);
        text += (text.empty() ? "" : ", ") + name + " " + shown(was) + " -> " + shown(is);
    }
    return text;
}

std::string to_text(const SchemaSnapshot& snapshot) {
    std::ostringstream out;
    for (const SchemaObject& object : snapshot.objects) {
        const std::string attributes = attributes_text(object);
        out << (object.is_table_part() ? "  " : "") << object.describe()
            << (attributes.empty() ? "" : ": " + attributes) << "\n";
    }
    return out.str();
}

std::string normalise_whitespace(std::string_view text) {
    std::string result;
    bool pending_space = false;
    for (const char c : text) {
        if (std::isspace(static_cast<unsigned char>(c)) != 0) {
            pending_space = !result.empty();
            continue;
        }
        if (pending_space) {
            result += ' ';
            pending_space = false;
        }
        result += c;
    }
    return result;
}

} // namespace rev
