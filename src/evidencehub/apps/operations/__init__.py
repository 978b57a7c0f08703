"""Organisation inputs: costs, funding sources, staff support, materials and
readability, policy alignment."""
