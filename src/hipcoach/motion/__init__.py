"""Video → pose track → clean kinematics."""
