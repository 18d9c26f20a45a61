"""Priority households: the ward's poverty list, its imports, and the rules on it."""
