"""Training the node's model on its exam outcomes, and the registry of trained versions."""
