// The demo badge catalogue: French, Star Wars-flavoured, at least one badge of every requirement
// kind of the original's vocabulary (src/modules/badges/requirements.ts), recognised by code.
export interface DemoBadge {
  code: string;
  name: string;
  description: string;
  category: string;
  difficulty: 'bronze' | 'silver' | 'gold' | 'legendary';
  points_reward: number;
  is_secret: boolean;
  star_wars_title: string;
  requirements: Record<string, number | string | boolean>;
}

const badge = (
  code: string,
  name: string,
  description: string,
  category: string,
  difficulty: DemoBadge['difficulty'],
  points_reward: number,
  star_wars_title: string,
  requirements: DemoBadge['requirements'],
  is_secret = false,
): DemoBadge => ({ code, name, description, category, difficulty, points_reward, is_secret, star_wars_title, requirements });

export function demoBadges(): DemoBadge[] {
  return [
    badge('premiers_pas', 'Premiers pas', 'Ta toute première tentative.', 'progression', 'bronze', 10, 'Éveil de la Force', { attempts_count: 1 }),
    badge('voie_du_padawan', 'La voie du Padawan', '10 exercices tentés.', 'progression', 'bronze', 25, 'Padawan', { attempts_count: 10 }),
    badge('chevalier_jedi', 'Chevalier Jedi', '50 exercices tentés.', 'progression', 'silver', 50, 'Chevalier', { attempts_count: 50 }),
    badge('maitre_jedi', 'Maître Jedi', '100 exercices tentés.', 'progression', 'gold', 100, 'Maître du Conseil', { attempts_count: 100 }),
    badge('esprit_logique', 'Esprit logique', '5 épreuves du Conseil résolues.', 'logique', 'silver', 40, 'Stratège de la Rébellion', {
      logic_attempts_count: 5,
    }),
    badge('double_maitrise', 'Double maîtrise', '30 exercices tentés et 10 épreuves résolues.', 'logique', 'gold', 80, 'Gardien de l’équilibre', {
      attempts_count: 30,
      logic_attempts_count: 10,
    }),
    badge('precision_jedi', 'Précision Jedi', '80 % de bonnes réponses sur au moins 20 exercices.', 'maitrise', 'silver', 50, 'Tireur d’élite', {
      success_rate: 80,
      min_attempts: 20,
    }),
    badge('serie_addition', 'Série de l’addition', '5 additions justes d’affilée.', 'maitrise', 'bronze', 20, 'Pilote de l’Escadron Rouge', {
      exercise_type: 'addition',
      consecutive_correct: 5,
    }),
    badge('serie_multiplication', 'Série de la multiplication', '10 multiplications justes d’affilée.', 'maitrise', 'silver', 40, 'As de l’X-Wing', {
      exercise_type: 'multiplication',
      consecutive_correct: 10,
    }),
    badge('eclair', 'Éclair de l’hyperespace', 'Une bonne réponse en moins de 5 secondes.', 'vitesse', 'bronze', 15, 'Faucon Millenium', { max_time: 5 }),
    badge('regularite', 'Régularité du Jedi', '3 jours d’activité d’affilée.', 'regularite', 'bronze', 20, 'Sentinelle', { consecutive_days: 3 }),
    badge('semaine_de_la_force', 'Semaine de la Force', '7 jours d’activité d’affilée.', 'regularite', 'gold', 70, 'Gardien du Temple', {
      consecutive_days: 7,
    }),
    badge(
      'journee_parfaite',
      'Journée parfaite',
      'Au moins 3 exercices dans la journée, tous justes.',
      'maitrise',
      'silver',
      30,
      'Maître de la concentration',
      {
        perfect_day: true,
      },
    ),
    badge('explorateur', 'Explorateur de la galaxie', 'Un exercice de chaque type tenté.', 'exploration', 'silver', 40, 'Éclaireur de la Bordure extérieure', {
      all_types: true,
    }),
    badge('polyvalent', 'Jedi polyvalent', '5 bonnes réponses dans chaque type d’exercice.', 'exploration', 'legendary', 150, 'Grand Maître', {
      min_per_type: 5,
    }),
    badge('retour_du_jedi', 'Le retour du Jedi', 'De retour après 7 jours d’absence.', 'secret', 'gold', 30, 'Le retour du Jedi', { comeback_days: 7 }, true),
  ];
}
