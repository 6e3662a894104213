"""What partners and the public send in: "add your class", partner editors' changes, problem reports and private check links."""
