"""Pure primitives shared by every capability: sequence alphabets, the table schema."""
