// The sorted-set arguments and results are KeelWire's plain value types; re-exporting them lets
// a caller name them with `import KeelClient` alone (KeelWire is not a product of the package).
@_exported import enum KeelWire.SortedSetAddMode
@_exported import struct KeelWire.SortedSetChanges
@_exported import struct KeelWire.SortedSetCursor
@_exported import struct KeelWire.SortedSetMember
@_exported import enum KeelWire.SortedSetOrder
@_exported import struct KeelWire.SortedSetPage
@_exported import enum KeelWire.SortedSetRangeStart
