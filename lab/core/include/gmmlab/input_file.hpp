#pragma once
// What a file named as an input may be: a regular file (or a link to one) of bounded size.
// A FIFO would block the tool forever and a device such as /dev/zero never ends, so both are
// refused before anything is read; a file larger than the reader's limit is refused before it
// fills the memory.
#include <cstdint>
#include <filesystem>
#include <string>

namespace gmmlab {

// The whole of a regular file of at most `max_bytes`. Throws gmmlab::Error starting with
// `what` and the quoted path when it does not exist, is a folder, a device, a FIFO or a
// socket, cannot be read, or is larger than `max_bytes`.
std::string read_regular_file(const std::filesystem::path& path, const std::string& what, std::uint64_t max_bytes);

// The same checks without reading (nothing is opened that could block).
void check_regular_file(const std::filesystem::path& path, const std::string& what, std::uint64_t max_bytes);

// Why `path` cannot be reached, stat() having failed with `err`, in a few words for a sentence
// ("'photo.png' is a file, not a folder", "a name in it is 300 bytes, more than the 255 a file
// name may have", "it leads round a loop of symbolic links"); "" when nothing is there (ENOENT).
// The errno's own words (ENOTDIR: "Not a directory") name neither the part at fault nor the fix.
std::string unreachable_because(const std::filesystem::path& path, int err);

// "1073741824 bytes (1 GiB)": a size exact to the byte, with the unit people read; "1 GiB"
// alone would make a file of 1.07 GiB "more than the 1 GiB" limit.
std::string size_in_words(std::uint64_t bytes);

}  // namespace gmmlab
