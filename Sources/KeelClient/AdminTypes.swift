// The admin results are KeelWire's plain value types; re-exporting these four lets a caller
// name them with `import KeelClient` alone (KeelWire is not a product of the package).
@_exported import struct KeelWire.ClusterMember
@_exported import struct KeelWire.FollowerProgress
@_exported import enum KeelWire.NodeRole
@_exported import struct KeelWire.NodeStatus
