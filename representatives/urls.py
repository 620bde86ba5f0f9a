account_patterns = []
deputy_patterns = []
staff_patterns = []
public_patterns = []
